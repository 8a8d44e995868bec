import test from "node:test";
import assert from "node:assert/strict";
import { decodePayload } from "../lib/payload.js";
import { arr, readout } from "./fixtures.js";

const image = { kind: "image", height: 2, width: 2, image: arr("uint8", [2, 2, 4], new Array(16).fill(9)), attr: arr("float32", [2, 2], [1, 2, 3, 4]) };
const bars = { kind: "tabular", names: ["a", "b"], values: arr("float32", [2], [5, 6]), attr: arr("float32", [2], [-1, 1]) };

test("a multi payload decodes each panel by its kind", () => {
  const p = decodePayload({
    kind: "multi",
    attr: arr("float32", [6], [1, 2, 3, 4, -1, 1]),
    panels: [{ ...image, name: "photo", share: 0.8, sum: 10 }, { ...bars, name: "features", share: 0.2, sum: 0 }],
    readout: readout(),
  });
  assert.equal(p?.panels?.length, 2);
  assert.equal(p?.panels?.[0].kind, "image");
  assert.equal(p?.panels?.[0].name, "photo");
  assert.equal(p?.panels?.[0].height, 2);
  assert.deepEqual(Array.from(p?.panels?.[1].values ?? []), [5, 6]);
  assert.equal(p?.panels?.[1].share, 0.2);
});

test("a malformed multi payload says what is wrong", () => {
  assert.throws(() => decodePayload({ kind: "multi", attr: arr("float32", [0], []), panels: [] }), /no panels/);
  assert.throws(
    () => decodePayload({ kind: "multi", attr: arr("float32", [3], [1, 2, 3]), panels: [{ ...bars, name: "f" }] }),
    /expected 2 values/,
  );
  assert.throws(
    () => decodePayload({ kind: "multi", attr: arr("float32", [2], [1, 2]), panels: [{ kind: "multi", attr: arr("float32", [2], [1, 2]) }] }),
    /not one input/,
  );
});
