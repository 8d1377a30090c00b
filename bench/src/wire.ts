/**
 * What the JSON hops between gateway and replica cost per text: encoding the request, decoding it,
 * encoding the reply and decoding it (the four the path does), averaged over the corpus.
 */
export const measureWireJsonMicros = (texts: readonly string[], rounds = 3): number => {
  const reply = { label: 'neutral', confidence: 0.5, probabilities: { negative: 0.25, neutral: 0.5, positive: 0.25 }, tokens: 26 };
  let sink = 0;
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    for (const text of texts) {
      const request = JSON.parse(JSON.stringify({ texts: [text], model: 'default' })) as { texts: string[] };
      const answer = JSON.parse(JSON.stringify({ predictions: [reply], replicaId: 'r' })) as { predictions: unknown[] };
      sink += request.texts.length + answer.predictions.length;
    }
  }
  if (sink === 0) throw new Error('unreachable');
  return ((performance.now() - started) * 1000) / (texts.length * rounds);
};
