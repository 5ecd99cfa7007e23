import type { FencedBlock } from "./findFencedBlocks.js";

/** true for every line that is a fence or inside a fenced block: not markdown structure. */
export function codeLineMask(blocks: readonly FencedBlock[], lineCount: number): boolean[] {
  const mask = new Array<boolean>(lineCount).fill(false);
  for (const block of blocks) {
    for (let i = block.openLine; i <= block.closeLine && i < lineCount; i++) mask[i] = true;
  }
  return mask;
}
