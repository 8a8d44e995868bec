// Builders for contract-shaped payloads (arrays as {dtype, shape, data: DataView}),
// as ipywidgets would deliver them.

const CTORS = { float32: Float32Array, float64: Float64Array, uint8: Uint8Array };

export function arr(dtype, shape, vals) {
  const typed = CTORS[dtype].from(vals);
  return { dtype, shape, data: new DataView(typed.buffer) };
}

export function readout(extra = {}) {
  return {
    output: 0.9, baseline_output: 0.1, sum: 0.79, delta: -0.01, target: 3,
    target_label: "cat", n_steps: 50, method: "gausslegendre", baseline: "black", path: "straight",
    ...extra,
  };
}

export function trace(m = 5, features = [{ name: "a", scale: 1 }]) {
  const alphas = Array.from({ length: m }, (_, i) => i / (m - 1));
  return {
    alphas: arr("float64", [m], alphas),
    outputs: arr("float64", [m], alphas.map((a) => 0.1 + 0.8 * a * a)),
    features: features.map((f) => ({ name: f.name, cumulative: arr("float64", [m], alphas.map((a) => f.scale * a)) })),
  };
}
