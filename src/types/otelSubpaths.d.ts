// The tsconfig resolves modules the Node 10 way (no package "exports"), so the type checker cannot see these two
// subpath entry points that Node and esbuild resolve through "exports". These declarations point it at the same files.
declare module '@opentelemetry/semantic-conventions/incubating' {
  export * from '@opentelemetry/semantic-conventions/dist/index-incubating.cjs';
}
declare module '@opentelemetry/otlp-exporter-base/node-http' {
  export * from '@opentelemetry/otlp-exporter-base/build/src/index-node-http';
}
