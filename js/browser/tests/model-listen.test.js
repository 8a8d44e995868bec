import test from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { Disposer } from "../../dom.js";
import { onTraits } from "../model-listen.js";

function fakeModel() {
  const handlers = new Map();
  return {
    handlers,
    on(event, fn) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event).add(fn);
    },
    off(event, fn) {
      handlers.get(event)?.delete(fn);
    },
    emit(event) {
      for (const fn of handlers.get(event) ?? []) fn();
    },
  };
}

test("onTraits listens to each trait's change and stops on dispose", () => {
  const model = fakeModel();
  const d = new Disposer();
  let calls = 0;
  onTraits(d, model, ["page", "n_pages"], () => calls++);
  model.emit("change:page");
  model.emit("change:n_pages");
  model.emit("change:opened");
  assert.equal(calls, 2);
  d.dispose();
  model.emit("change:page");
  model.emit("change:n_pages");
  assert.equal(calls, 2);
  assert.ok([...model.handlers.values()].every((s) => s.size === 0));
});

test("every gallery module is type-checked", () => {
  const dir = new URL("..", import.meta.url);
  const lib = new URL("../lib/", import.meta.url);
  const files = [
    ...readdirSync(dir).filter((f) => f.endsWith(".js")).map((f) => new URL(f, dir)),
    ...readdirSync(lib).filter((f) => f.endsWith(".js")).map((f) => new URL(f, lib)),
  ];
  assert.ok(files.length >= 8);
  const unchecked = files.filter((f) => !readFileSync(f, "utf8").startsWith("// @ts-check")).map((f) => f.pathname);
  assert.deepEqual(unchecked, []);
});
