// A plain-JS (float64) RobertaForSequenceClassification forward pass written from the HF
// modeling_roberta.py semantics, used by specs to check the ONNX graph independently.

export interface ReferenceConfig {
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  layer_norm_eps: number;
  pad_token_id: number;
}

type Weights = ReadonlyMap<string, Float32Array>;
type Matrix = number[][];

function get(w: Weights, name: string): Float32Array {
  const value = w.get(name);
  if (!value) throw new Error(`missing weight ${name}`);
  return value;
}

// Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), enough for a 1e-4 comparison.
function erf(x: number): number {
  const sign = Math.sign(x);
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-ax * ax));
}

function linear(x: Matrix, w: Float32Array, b: Float32Array, inDim: number, outDim: number): Matrix {
  return x.map((row) => {
    const out = Array.from(b);
    for (let i = 0; i < inDim; i++) for (let j = 0; j < outDim; j++) out[j] += row[i] * w[i * outDim + j];
    return out;
  });
}

function layerNorm(x: Matrix, gamma: Float32Array, beta: Float32Array, eps: number): Matrix {
  return x.map((row) => {
    const mean = row.reduce((a, b) => a + b, 0) / row.length;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
    return row.map((v, i) => ((v - mean) / Math.sqrt(variance + eps)) * gamma[i] + beta[i]);
  });
}

const add = (a: Matrix, b: Matrix): Matrix => a.map((row, i) => row.map((v, j) => v + b[i][j]));

/** Logits for one sequence; keys whose `attentionMask` entry is 0 get no attention. */
export function referenceLogits(
  w: Weights,
  config: ReferenceConfig,
  ids: readonly number[],
  attentionMask: readonly number[] = ids.map(() => 1),
): number[] {
  const H = config.hidden_size;
  const heads = config.num_attention_heads;
  const hd = H / heads;
  const eps = config.layer_norm_eps;
  const pad = config.pad_token_id;
  const ln = (x: Matrix, prefix: string) => layerNorm(x, get(w, `${prefix}.weight`), get(w, `${prefix}.bias`), eps);
  const dense = (x: Matrix, prefix: string, inDim: number, outDim: number) =>
    linear(x, get(w, `${prefix}.weight`), get(w, `${prefix}.bias`), inDim, outDim);

  // create_position_ids_from_input_ids
  let running = 0;
  const positions = ids.map((id) => (id !== pad ? (running += 1) + pad : pad));
  const word = get(w, 'roberta.embeddings.word_embeddings.weight');
  const position = get(w, 'roberta.embeddings.position_embeddings.weight');
  const tokenType = get(w, 'roberta.embeddings.token_type_embeddings.weight');
  let x: Matrix = ids.map((id, s) =>
    Array.from({ length: H }, (_, i) => word[id * H + i] + tokenType[i] + position[positions[s] * H + i]),
  );
  x = ln(x, 'roberta.embeddings.LayerNorm');

  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    const p = `roberta.encoder.layer.${layer}`;
    const q = dense(x, `${p}.attention.self.query`, H, H);
    const k = dense(x, `${p}.attention.self.key`, H, H);
    const v = dense(x, `${p}.attention.self.value`, H, H);
    const context: Matrix = x.map(() => new Array(H).fill(0));
    for (let h = 0; h < heads; h++) {
      for (let s = 0; s < ids.length; s++) {
        const scores = ids.map((_, t) => {
          let dot = 0;
          for (let d = 0; d < hd; d++) dot += q[s][h * hd + d] * k[t][h * hd + d];
          return dot / Math.sqrt(hd);
        });
        const max = Math.max(...scores.filter((_, t) => attentionMask[t] === 1));
        const e = scores.map((sc, t) => (attentionMask[t] === 1 ? Math.exp(sc - max) : 0));
        const sum = e.reduce((a, b) => a + b, 0);
        e.forEach((weight, t) => {
          for (let d = 0; d < hd; d++) context[s][h * hd + d] += (weight / sum) * v[t][h * hd + d];
        });
      }
    }
    x = ln(add(dense(context, `${p}.attention.output.dense`, H, H), x), `${p}.attention.output.LayerNorm`);
    const up = dense(x, `${p}.intermediate.dense`, H, config.intermediate_size);
    const gelu = up.map((row) => row.map((u) => 0.5 * u * (1 + erf(u / Math.SQRT2))));
    x = ln(add(dense(gelu, `${p}.output.dense`, config.intermediate_size, H), x), `${p}.output.LayerNorm`);
  }

  const pooled = dense([x[0]], 'classifier.dense', H, H).map((row) => row.map(Math.tanh));
  const labels = get(w, 'classifier.out_proj.bias').length;
  return dense(pooled, 'classifier.out_proj', H, labels)[0];
}
