# syntax=docker/dockerfile:1
# Build: compile TypeScript with the dev dependencies — exactly what `npm run build` compiles
# (tsconfig.build.json: src and bench, into dist/).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
RUN npm run build

# Runtime: production dependencies only, git and bubblewrap for the workers (every agent runs in
# a bubblewrap sandbox; the container needs user namespaces for it, see README "The agent
# sandbox"), tini to pass SIGTERM on (a worker finishes the tasks in hand, then exits), a
# non-root user.
FROM node:20-bookworm-slim AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends git bubblewrap ca-certificates tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    ORCHESTRATE_DATA_DIR=/data \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# The coding-agent CLIs the presets run, at the versions package.json pins (its devDependencies:
# the versions the preset tests run against). AGENT_CLIS picks which (--build-arg AGENT_CLIS=""
# installs none). Installed under /usr/local, which the agent sandbox shows read-only.
ARG AGENT_CLIS="@openai/codex @anthropic-ai/claude-code @google/gemini-cli opencode-ai"
RUN for p in $AGENT_CLIS; do \
      node -e 'const p = process.argv[1]; const v = require("./package.json").devDependencies[p]; if (!v) { console.error(`AGENT_CLIS: ${p} is not pinned in package.json`); process.exit(1); } console.log(`${p}@${v}`);' "$p" || exit 1; \
    done > /tmp/agent-clis \
  && if [ -s /tmp/agent-clis ]; then xargs npm install -g --ignore-scripts --no-audit --no-fund < /tmp/agent-clis; fi \
  && rm -f /tmp/agent-clis && npm cache clean --force
COPY --from=build /app/dist ./dist
# The register-the-App page (served while no credentials are set) is built from app.yml.
COPY app.yml ./
RUN mkdir -p /data && chown node:node /data
USER node
# Cached clones, worktrees and agent logs. Give each worker its own: two processes must not
# share one cached clone.
VOLUME ["/data"]
EXPOSE 3000
# The compiled CLI, not `npm start`: its prestart step rebuilds, which needs dev dependencies.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/src/cli.js"]
CMD ["server"]
