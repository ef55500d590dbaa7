// The Remix server build (`remix build` writes build/index.js), declared here so the
// server type-checks before anything is built. server/main.ts imports it.
declare module '#build/index.js' {
  import type { ServerBuild } from '@remix-run/node'
  const build: ServerBuild
  export = build
}
