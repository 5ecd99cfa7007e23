import { userJson } from "../shapes/userJson.js";
import { json, notFound, type RouteTable } from "./routeContext.js";

// Public profiles: how an app learns its bot user's id, which GitHub's noreply commit address
// for the bot is built from (`<id>+<slug>[bot]@users.noreply.github.com`).

export const userRoutes: RouteTable = {
  "users/get-by-username": (ctx) => {
    const wanted = (ctx.params["username"] ?? "").toLowerCase();
    const user = [...ctx.state.users.values()].find((u) => u.login.toLowerCase() === wanted);
    if (!user) throw notFound();
    return json(200, {
      ...userJson(ctx.state, user.login),
      name: null,
      company: null,
      blog: "",
      location: null,
      email: null,
      hireable: null,
      bio: null,
      public_repos: 0,
      public_gists: 0,
      followers: 0,
      following: 0,
      created_at: "2024-01-01T00:00:00Z",
      updated_at: "2024-01-01T00:00:00Z",
    });
  },
};
