// The gallery's controls: sort key and direction, filters (misclassified, true class,
// predicted class) and "clear". Each control writes one trait; trait changes from the
// kernel write back into the controls. Class names go into <option>s as text.
import { h, suppressShortcuts } from "../dom.js";

const SORTS = [
  ["index", "index"],
  ["loss", "loss"],
  ["confidence", "confidence"],
  ["margin", "margin"],
];

function field(label, control) {
  return h("label", { class: "igb-field" }, [h("span", { class: "igb-label", text: label }), control]);
}

function classOptions(select, names, anyText) {
  const keep = select.value;
  select.replaceChildren(
    h("option", { text: anyText, attrs: { value: "-1" } }),
    ...names.map((n, i) => h("option", { text: n, attrs: { value: String(i) } })),
  );
  select.value = keep && Number(keep) < names.length ? keep : "-1";
}

export function createToolbar(model, d) {
  const set = (name, value) => {
    model.set(name, value);
    model.save_changes();
  };
  const sort = suppressShortcuts(h("select", { class: "igb-input igb-sort" },
    SORTS.map(([v, t]) => h("option", { text: t, attrs: { value: v } }))));
  const dir = suppressShortcuts(h("button", { class: "igb-input igb-dir", attrs: { type: "button" } }));
  const wrong = suppressShortcuts(h("input", { class: "igb-wrong-only", attrs: { type: "checkbox" } }));
  const truth = suppressShortcuts(h("select", { class: "igb-input igb-true" }));
  const pred = suppressShortcuts(h("select", { class: "igb-input igb-predicted" }));
  const clear = suppressShortcuts(h("button", { class: "igb-input igb-clear", text: "clear filters", attrs: { type: "button" } }));
  const wrongField = h("label", { class: "igb-field igb-check" }, [wrong, h("span", { text: "misclassified only" })]);
  const truthField = field("true", truth);
  const el = h("div", { class: "igb-controls" }, [
    field("sort by", sort), dir, h("span", { class: "igb-sep" }), wrongField, truthField, field("predicted", pred), clear,
  ]);

  d.on(sort, "change", () => set("sort_by", sort.value));
  d.on(dir, "click", () => set("descending", !model.get("descending")));
  d.on(wrong, "change", () => set("misclassified", wrong.checked));
  d.on(truth, "change", () => set("true_class", Number(truth.value)));
  d.on(pred, "change", () => set("predicted_class", Number(pred.value)));
  d.on(clear, "click", () => {
    model.set("misclassified", false);
    model.set("true_class", -1);
    model.set("predicted_class", -1);
    model.save_changes();
  });

  function update() {
    const labels = !!model.get("has_labels");
    const names = model.get("class_names") || [];
    if (truth.options.length !== names.length + 1) classOptions(truth, names, "any");
    if (pred.options.length !== names.length + 1) classOptions(pred, names, "any");
    sort.value = model.get("sort_by");
    sort.querySelector('option[value="loss"]').disabled = !labels;
    const desc = !!model.get("descending");
    dir.textContent = desc ? "↓ largest first" : "↑ smallest first";
    dir.setAttribute("aria-pressed", String(desc));
    wrong.checked = !!model.get("misclassified");
    wrongField.hidden = !labels;
    truthField.hidden = !labels;
    truth.value = String(model.get("true_class"));
    pred.value = String(model.get("predicted_class"));
  }
  for (const t of ["sort_by", "descending", "misclassified", "true_class", "predicted_class", "class_names", "has_labels"]) {
    d.model(model, `change:${t}`, update);
  }
  update();
  return { el, update };
}
