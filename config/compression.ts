import zlib from 'node:zlib';
import CompressionPlugin from 'compression-webpack-plugin';

/**
 * Precompressed H5 assets: every text asset of the build (scripts, styles, index.html, SVG,
 * JSON) gets a brotli (`.br`, quality 11) and a gzip (`.gz`, level 9) copy beside it, written
 * once at build time, so the server sends compressed bytes without compressing per request
 * (server/app.ts serves them with `preCompressed`). A copy that saves less than 20 % is not
 * written (the server then sends the file as it is). bench/lighthouse.mjs applies the same
 * plugins to the blank baseline app so both are served alike.
 *
 * Typed loosely on purpose: Taro's webpack-chain type and the plugin's are separate copies.
 */
export const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/;

interface ChainLike {
  plugin(name: string): { use(plugin: unknown, args: unknown[]): unknown };
}

export function addPrecompression(chain: ChainLike): void {
  const common = { test: COMPRESSIBLE, exclude: /\.LICENSE\.txt$/, threshold: 0, minRatio: 0.8, deleteOriginalAssets: false };
  chain.plugin('precompressBrotli').use(CompressionPlugin, [{
    ...common,
    filename: '[path][base].br',
    algorithm: 'brotliCompress',
    compressionOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY } },
  }]);
  chain.plugin('precompressGzip').use(CompressionPlugin, [{
    ...common,
    filename: '[path][base].gz',
    algorithm: 'gzip',
    compressionOptions: { level: zlib.constants.Z_BEST_COMPRESSION },
  }]);
}
