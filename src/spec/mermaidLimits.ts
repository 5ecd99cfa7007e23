/**
 * Mermaid's defaults, which GitHub keeps: past either, GitHub draws an error box ("Maximum text
 * size in diagram exceeded", "Edge limit exceeded") instead of the diagram.
 */
export const MERMAID_MAX_TEXT = 50_000;
export const MERMAID_MAX_EDGES = 500;

/**
 * Most nodes a diagram shows before it shows groups instead. Measured by laying out generated
 * specs (10 tasks a group, 1–3 dependencies each on recent tasks) with dagre, mermaid's layout
 * engine, at mermaid's default sizes: 30 tasks come out 2,000–2,900 px wide, about three times
 * a GitHub comment's 880 px (labels shrink to about 5 px before zooming), and every task more
 * widens it; 200 tasks come out 12,000–18,000 px (GitHub drew one at 12,176 × 5,786 px).
 */
export const READABLE_NODES = 30;

/** Arrows in a rendered flowchart: each `-->` line is one edge to mermaid. */
export function mermaidEdgeCount(markdown: string): number {
  return markdown.match(/ --> /g)?.length ?? 0;
}

/** True when GitHub will draw it: within both of mermaid's limits. */
export function withinMermaidLimits(markdown: string): boolean {
  return markdown.length <= MERMAID_MAX_TEXT && mermaidEdgeCount(markdown) <= MERMAID_MAX_EDGES;
}
