#!/usr/bin/env node
// The `tracelane` command. The CLI is TypeScript (cli/main.ts), run through tsx, a runtime dependency of this
// package, so it is type-checked with the rest of the code and needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
