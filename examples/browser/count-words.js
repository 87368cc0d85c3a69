// Runs in each Web Worker that runWorkers starts, with the page's map already attached.
export default function countWords(counts, { index, args: texts }) {
  for (const word of texts[index].split(' ')) counts.add(word, 1);
}
