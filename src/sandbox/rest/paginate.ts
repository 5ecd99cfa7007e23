import type { RouteContext } from "./routeContext.js";

/**
 * Cuts one page out of `items` the way GitHub pages lists (per_page default 30, max 100) and
 * builds the Link header clients follow (octokit.paginate reads rel="next").
 */
export function paginate<T>(
  ctx: RouteContext,
  items: T[],
): { page: T[]; headers: Record<string, string> } {
  const perPage = clamp(Number(ctx.query.get("per_page") ?? 30) || 30, 1, 100);
  const page = Math.max(1, Number(ctx.query.get("page") ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (n: number, rel: string) => {
    const url = new URL(ctx.url.href);
    url.searchParams.set("per_page", String(perPage));
    url.searchParams.set("page", String(n));
    return `<${url.href}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  return { page: slice, headers: links.length > 0 ? { link: links.join(", ") } : {} };
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.trunc(n)));
}
