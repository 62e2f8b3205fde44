export * from './codes.js'
export * from './frames.js'
export * from './limits.js'
export * from './messages.js'
