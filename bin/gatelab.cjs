#!/usr/bin/env node
// The `gatelab` command: runs the built CLI bundle, or says how to build it.
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  console.error('gatelab: GateLab is not built yet. Run `npm run build` in ' + join(__dirname, '..') + ' first.')
  process.exit(2)
}
require(cli)
