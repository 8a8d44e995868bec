// @ts-check
// Shared JSDoc types of the gallery (IGBrowser): its synced traits as
// `ig_widget/browser/gallery.py` declares them, one card of the page, the confusion
// data, and the anywidget model and render context over those traits. Types only:
// other modules import them with `@typedef {import("./types.js").Name} Name`.

/** @typedef {import("../types.js").Kind} Kind */
/** @typedef {import("../types.js").ArrayRecord} ArrayRecord */

/** @typedef {"index" | "loss" | "confidence" | "margin"} SortKey */
/** @typedef {"predicting" | "ready" | "error"} GalleryStatus */

/**
 * One entry of the `_items` trait: an example of the page shown. Exactly one of
 * `thumb` (image), `tokens` (text) or `cells` (tabular) is present, by modality.
 * Tokens, feature names and values are untrusted text (textContent only).
 * @typedef {object} Card
 * @property {number} index position in the data set
 * @property {number} label true class, -1 without labels
 * @property {number} predicted predicted class
 * @property {number} prob probability of the predicted class
 * @property {number} margin
 * @property {number | null} loss null without labels
 * @property {ArrayRecord} [thumb] image: RGBA (H, W, 4) uint8
 * @property {string[]} [tokens] text: the first tokens
 * @property {[string, string][]} [cells] tabular: [feature name, formatted value]
 */

/**
 * The lines of one card (`cardText`).
 * @typedef {object} CardText
 * @property {string} title
 * @property {string} truth "" without a label
 * @property {string} pred
 * @property {boolean} wrong
 * @property {string} tip
 */

/** @typedef {number[][]} ConfusionMatrix C x C counts: row true class, column predicted */

/**
 * The class filter pair a confusion cell stands for (-1 is "any").
 * @typedef {object} ClassFilter
 * @property {number} true_class
 * @property {number} predicted_class
 */

/**
 * Row, column, overall and diagonal sums of a confusion matrix (`totals`).
 * @typedef {object} ConfusionTotals
 * @property {number[]} rows
 * @property {number[]} cols
 * @property {number} total
 * @property {number} correct
 */

/**
 * The gallery's synced traits (see `ig_widget/browser/gallery.py`).
 * @typedef {object} GalleryTraits
 * @property {SortKey} sort_by
 * @property {boolean} descending
 * @property {boolean} misclassified
 * @property {number} true_class
 * @property {number} predicted_class
 * @property {number} page
 * @property {number} page_size
 * @property {number} opened
 * @property {boolean} attr_thumbnails
 * @property {GalleryStatus} status
 * @property {number} progress
 * @property {string} error
 * @property {Kind | ""} modality
 * @property {string[]} class_names
 * @property {boolean} has_labels
 * @property {number} n_examples
 * @property {number} n_shown
 * @property {number} n_pages
 * @property {number} accuracy -1 without labels
 * @property {ConfusionMatrix} confusion
 * @property {string} thumb_note
 * @property {Card[]} _items
 * @property {Record<string, ArrayRecord>} _attr_thumbs str(index) -> values in [-1, 1]
 */

/**
 * The part of anywidget's model the gallery uses.
 * @typedef {object} GalleryModel
 * @property {<K extends keyof GalleryTraits>(name: K) => GalleryTraits[K]} get
 * @property {<K extends keyof GalleryTraits>(name: K, value: GalleryTraits[K]) => void} set
 * @property {() => void} save_changes
 * @property {(event: string, handler: () => void) => void} on
 * @property {(event: string, handler: () => void) => void} off
 */

/**
 * What anywidget passes to the gallery's `render`.
 * @typedef {object} GalleryRenderContext
 * @property {GalleryModel} model
 * @property {HTMLElement} el
 */

export {};
