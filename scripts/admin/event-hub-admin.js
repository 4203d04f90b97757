#!/usr/bin/env node
// The `event-hub-admin` bin (package.json "bin"): runs the TypeScript CLI through ts-node, as the
// npm scripts do (`npm run admin -- …` is the same program).
const path = require('node:path')
require('ts-node').register({
  transpileOnly: true,
  project: path.join(__dirname, '..', '..', 'tsconfig.json'),
})
require('./admin.ts').main()
