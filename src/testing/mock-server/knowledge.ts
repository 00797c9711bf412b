/** Knowledge retrieval of the mock server: top documents by word overlap, as citations. */
import type { Citation } from '../../generated/types.js';
import type { MockKnowledgeDocument } from './options.js';

const TOP = 3;

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[a-z0-9]+/g) ?? []);
}

/**
 * The top 3 documents by the number of distinct words they share with the message. When no
 * document shares a word, the first documents are returned anyway, with score 0.
 */
export function retrieve(documents: readonly MockKnowledgeDocument[], message: string): Citation[] {
  const query = words(message);
  const scored = documents.map((document, index) => {
    let score = 0;
    for (const word of words(document.content)) if (query.has(word)) score += 1;
    return { document, index, score };
  });
  const overlapping = scored.filter((s) => s.score > 0).sort((a, b) => b.score - a.score || a.index - b.index);
  const chosen = overlapping.length > 0 ? overlapping.slice(0, TOP) : scored.slice(0, TOP);
  return chosen.map(({ document, score }) => {
    const citation: Citation = { id: document.source, title: document.source, snippet: document.content, score };
    if (/^https?:\/\//i.test(document.source)) citation.url = document.source;
    return citation;
  });
}
