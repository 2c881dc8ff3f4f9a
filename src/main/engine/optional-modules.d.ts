// @tensorflow/tfjs-node is an optional dependency: often absent (its install needs to download libtensorflow), so
// its types cannot be relied on. Importing it registers the 'tensorflow' backend; that side effect is all we use.
declare module '@tensorflow/tfjs-node'
