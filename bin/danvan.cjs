#!/usr/bin/env node
// The `danvan` command: runs the TypeScript CLI through tsx, so no build step stands between a change and its use.
require('tsx/cjs');
require('./danvan.ts');
