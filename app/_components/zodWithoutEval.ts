import * as z from "zod/mini";

// Zod compiles object parsers with `new Function` when it can, and finds out by trying: under
// the pages' Content-Security-Policy (no 'unsafe-eval', lib/securityHeaders.ts) that try is a
// violation report on every page. `jitless` skips the try and the compilation: the same parsing,
// interpreted. Imported first by the providers that every page renders.
z.config({ jitless: true });
