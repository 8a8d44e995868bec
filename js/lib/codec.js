// @ts-check
// Decode the contract's array records {dtype, shape, data} into typed arrays.
// `data` arrives from ipywidgets as a DataView over a binary buffer; tests and
// harnesses may pass an ArrayBuffer, any ArrayBufferView, a typed array of the
// right kind, or (defensively) a plain JS array.

const CTORS = {
  float32: Float32Array,
  float64: Float64Array,
  uint8: Uint8Array,
};

/**
 * Number of elements implied by a shape ([] is a scalar: 1 element).
 * @param {number[]} shape
 * @returns {number}
 */
export function shapeSize(shape) {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`bad shape ${JSON.stringify(shape)}`);
    n *= d;
  }
  return n;
}

/**
 * Raw bytes of `data` as a Uint8Array view (no copy when possible).
 * @param {unknown} data
 * @returns {Uint8Array}
 */
export function toBytes(data) {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`array data must be binary, got ${Object.prototype.toString.call(data)}`);
}

/**
 * Decode one array record. Returns {dtype, shape, array} where array is a
 * typed array of shapeSize(shape) elements. Little-endian, as numpy sends on
 * every platform a browser runs on.
 * @param {import("../types.js").ArrayRecord} rec
 * @returns {{dtype: string, shape: number[], array: import("../types.js").NumArray}}
 */
export function decodeArray(rec) {
  if (rec == null || typeof rec !== "object") throw new TypeError("array record missing");
  const { dtype, data } = rec;
  // own keys only: a dtype such as "constructor" must not reach Object's prototype
  if (typeof dtype !== "string" || !Object.prototype.hasOwnProperty.call(CTORS, dtype)) {
    throw new Error(`unsupported dtype ${String(dtype).slice(0, 40)}`);
  }
  const Ctor = CTORS[/** @type {keyof typeof CTORS} */ (dtype)];
  const shape = Array.isArray(rec.shape) ? rec.shape : [];
  const n = shapeSize(shape);
  let array;
  if (data instanceof Ctor) {
    array = data; // already decoded
  } else if (Array.isArray(data)) {
    array = Ctor.from(data);
  } else {
    const bytes = toBytes(data);
    const size = Ctor.BYTES_PER_ELEMENT;
    if (bytes.byteLength !== n * size) {
      throw new Error(`${dtype}${JSON.stringify(shape)} needs ${n * size} bytes, got ${bytes.byteLength}`);
    }
    // A typed array over a shared buffer must start at a multiple of its element
    // size; ipywidgets may hand us views at arbitrary offsets, so copy when needed.
    array = bytes.byteOffset % size === 0
      ? new Ctor(/** @type {ArrayBuffer} */ (bytes.buffer), bytes.byteOffset, n)
      : new Ctor(bytes.slice().buffer);
  }
  if (array.length !== n) throw new Error(`${dtype}${JSON.stringify(shape)} has ${array.length} elements`);
  return { dtype, shape, array };
}
