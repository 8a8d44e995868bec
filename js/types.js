// @ts-check
// Shared JSDoc types of the front end: the kernel's contract (docs/architecture.md),
// the anywidget model and render context, and what views are handed. Types only:
// other modules import them with `@typedef {import("./types.js").Name} Name`.

/** @typedef {"image" | "text" | "tabular" | "multi"} Kind */
/** @typedef {"signed" | "positive" | "negative" | "absolute"} SignMode */
/** @typedef {"float32" | "float64" | "uint8"} DType */
/** @typedef {Float32Array | Float64Array | Uint8Array} NumArray */

/**
 * An array as the kernel sends it: `data` arrives as a DataView over a binary buffer.
 * @typedef {object} ArrayRecord
 * @property {DType} dtype
 * @property {number[]} shape
 * @property {DataView | ArrayBuffer | ArrayBufferView | number[]} data
 */

/**
 * The numbers line of a result, as the kernel sends it.
 * @typedef {object} RawReadout
 * @property {number} output
 * @property {number} baseline_output
 * @property {number} sum
 * @property {number} delta
 * @property {number} target
 * @property {string} target_label
 * @property {number} n_steps
 * @property {string} method
 * @property {string} baseline
 * @property {string} path
 * @property {string} [path_detail] forward-only paths: what was computed (e.g. "estimate from 64 sampled orders")
 * @property {number} [auto_tol] steps: auto: the tolerance
 * @property {number} [auto_steps] steps: auto: the gradient evaluations it took
 * @property {string} [model] with compare_model=: the label of the model that computed it
 * @property {string} [spread_detail] a distribution: what was averaged ("SmoothGrad: 16 samples, ...")
 * @property {string} [delta_note] a distribution: what its completeness delta means
 */

/**
 * @typedef {object} RawTrace
 * @property {ArrayRecord} alphas
 * @property {ArrayRecord} [outputs]
 * @property {{name: string, cumulative: ArrayRecord}[]} [features]
 */

/**
 * The `_payload` trait (all kinds in one type; `kind` says which keys are present).
 * @typedef {object} RawPayload
 * @property {Kind} kind
 * @property {RawReadout} [readout]
 * @property {RawTrace} [path_trace]
 * @property {ArrayRecord} attr
 * @property {number} [height] image
 * @property {number} [width] image
 * @property {ArrayRecord} [image] image: RGBA (H, W, 4)
 * @property {ArrayRecord} [segments] image with segments=: each pixel's group 0..G-1 (H, W) uint8
 * @property {number[]} [segment_sums] image with segments=: the attribution summed per group
 * @property {string[]} [tokens] text: raw token strings (insert as text only)
 * @property {string[]} [names] tabular
 * @property {ArrayRecord} [values] tabular: the input values
 * @property {RawPanel[]} [panels] multi: one payload per attributed input
 * @property {ArrayRecord} [spread] a distribution: std across samples, shaped like attr
 */

/**
 * One input of a several-input payload: its own kind's keys, plus its name, its share
 * of the total |attribution| and the sum of its attributions.
 * @typedef {RawPayload & {name?: string, share?: number, sum?: number}} RawPanel
 */

/**
 * @typedef {Payload & {name: string, share: number, sum: number}} Panel
 */

/**
 * @typedef {object} Readout
 * @property {number} output
 * @property {number} baselineOutput
 * @property {number} sum
 * @property {number} delta
 * @property {number | null} target
 * @property {string} targetLabel
 * @property {number | null} nSteps
 * @property {string} method
 * @property {string} baseline
 * @property {string} path
 * @property {string} pathDetail "" for gradient paths
 * @property {number | null} [autoTol] steps: auto: the tolerance
 * @property {number | null} [autoSteps] steps: auto: the steps it took
 * @property {string} [model] the label of the model that computed it ("" with one model)
 * @property {string} [spreadDetail] a distribution: what was averaged ("" for none)
 * @property {string} [deltaNote] a distribution: what its delta means ("" for none)
 */

/**
 * @typedef {object} Trace
 * @property {NumArray} alphas
 * @property {NumArray | null} outputs
 * @property {{name: string, cumulative: NumArray}[]} features
 */

/**
 * A payload decoded once for drawing (`decodePayload`).
 * @typedef {object} Payload
 * @property {Kind} kind
 * @property {Readout} readout
 * @property {Trace | null} trace
 * @property {NumArray} attr
 * @property {number} [height]
 * @property {number} [width]
 * @property {NumArray | null} [image]
 * @property {NumArray | null} [segments] image with segments=: each pixel's group 0..G-1
 * @property {string[]} [tokens]
 * @property {string[]} [names]
 * @property {NumArray | null} [values]
 * @property {Panel[]} [panels]
 * @property {NumArray | null} [spread] a distribution's std across samples, one per attr value
 */

/**
 * @typedef {object} TopClass
 * @property {number} index
 * @property {string} label
 * @property {number} prob  the probability, or the value itself when activation is "none"
 * @property {"softmax" | "sigmoid" | "none"} [activation]
 */

/** @typedef {{kind: "diverging" | "sequential", lut: DataView | ArrayBuffer | Uint8Array | number[]}} RawColormap */

/**
 * A pinned result: the payload's arrays and labels that draw it beside the current one.
 * @typedef {object} RawPin
 * @property {number} id
 * @property {Kind} kind
 * @property {ArrayRecord} attr
 * @property {RawReadout} readout
 * @property {number} [height] image
 * @property {number} [width] image
 * @property {string[]} [tokens] text
 * @property {string[]} [names] tabular
 */

/**
 * The widget's synced traits (see `ig_widget/widget.py`).
 * @typedef {object} Traits
 * @property {number} n_steps
 * @property {string} method
 * @property {string} baseline
 * @property {string} path
 * @property {number} target
 * @property {SignMode} sign
 * @property {string} colormap
 * @property {number} opacity
 * @property {number} clip_percentile
 * @property {number} top_k
 * @property {number} debounce_ms
 * @property {number} max_steps
 * @property {"idle" | "running" | "error"} status
 * @property {number} progress
 * @property {string} error
 * @property {string} warning
 * @property {Kind | ""} modality
 * @property {string[]} method_options
 * @property {string[]} baseline_options
 * @property {string[]} path_options
 * @property {string[]} forward_only_paths paths computed with forward passes only (steps and method do not apply)
 * @property {TopClass[]} top_classes
 * @property {string[]} class_labels
 * @property {number} generation_step
 * @property {{index: number, label: string, position: number}[]} generated_tokens
 * @property {RawPin[]} pins pinned results (ig_widget/explore/pins.py)
 * @property {string} distribution "none" | "smoothgrad" | "expected_gradients"
 * @property {string[]} distribution_options the distributions offered
 * @property {number} samples the distribution's samples
 * @property {number} noise SmoothGrad's noise, a fraction of the input's range
 * @property {number} patch_size image grouped paths: the patch size in pixels
 * @property {number[]} patch_size_options the patch sizes offered (images), the default first
 * @property {boolean} patch_display images: the attribution summed per patch (display only)
 * @property {boolean} steps_auto
 * @property {number} auto_tol
 * @property {"main" | "compare"} model_choice which model is explained
 * @property {Record<string, string>} model_labels {main, compare} labels with compare_model=, else {}
 * @property {{curves?: Record<string, number[][]>, n_max?: number, n_evals?: number, n_evals_separate?: number, baseline?: string, model?: string}} convergence delta against steps (ig_widget/explore/convergence.py)
 * @property {{alpha?: number, output?: number, grad?: ArrayRecord, image?: ArrayRecord, mix?: ArrayRecord, values?: ArrayRecord, model?: string}} scrub_point the alpha scrubber's point (ig_widget/explore/scrubber.py)
 * @property {Record<string, RawColormap>} _colormaps
 * @property {RawPayload | Record<string, never>} _payload
 * @property {boolean} _provisional
 * @property {number} _request_id
 * @property {string} _version
 * @property {string} note the user's note (kept in the widget state and every export)
 * @property {boolean} computable false for a result shown without its model
 * @property {string} _comm_id the model's id, to look up whether a kernel is connected
 * @property {DataView | ArrayBuffer | Uint8Array | null} [_png] PNG of the view: only in a standalone page's state
 * @property {Partial<RawReadout> | Record<string, never>} _shown readout the first output kept
 */

/**
 * The part of anywidget's model the front end uses.
 * @typedef {object} Model
 * @property {<K extends keyof Traits>(name: K) => Traits[K]} get
 * @property {<K extends keyof Traits>(name: K, value: Traits[K]) => void} set
 * @property {() => void} save_changes
 * @property {(event: string, handler: (...args: any[]) => void) => void} on
 * @property {(event: string, handler: (...args: any[]) => void) => void} off
 * @property {(content: object, callbacks?: unknown, buffers?: unknown[]) => void} send a custom message to the kernel
 * @property {WidgetManager} [widget_manager] absent in a standalone page
 */

/**
 * The part of the ipywidgets manager used to find this view's own model.
 * @typedef {object} WidgetManager
 * @property {(id: string) => Promise<BackboneModel>} [get_model]
 */

/**
 * The ipywidgets model behind the anywidget proxy: `comm_live` is false when no
 * kernel is connected (a saved page, a restored notebook without its kernel).
 * @typedef {object} BackboneModel
 * @property {boolean} [comm_live]
 * @property {(event: string, handler: () => void) => void} [on]
 * @property {(event: string, handler: () => void) => void} [off]
 */

/**
 * What anywidget passes to `render`.
 * @typedef {object} RenderContext
 * @property {Model} model
 * @property {HTMLElement} el
 */

/**
 * The display-only settings a view draws with.
 * @typedef {object} Display
 * @property {SignMode} sign
 * @property {string} colormap
 * @property {number} opacity
 * @property {number} clip_percentile
 * @property {number} top_k
 * @property {boolean} [patch_display] images: draw the attribution summed per patch
 * @property {number} [patch_size] the patch side in pixels for patch_display
 */

/**
 * A colour table ready to draw with (`resolveColormap`).
 * @typedef {object} Colormap
 * @property {string} name
 * @property {"diverging" | "sequential"} kind
 * @property {Uint8Array} lut 256 RGB triples
 */

/** @typedef {{offset: number, slope: number}} LinearMap value -> LUT position t = offset + slope * v */

/**
 * One view per modality.
 * @typedef {object} View
 * @property {HTMLElement} el
 * @property {(payload: Payload) => void} setData
 * @property {(display: Display, cmap: Colormap) => void} draw
 * @property {() => void} destroy
 */

export {};
