// Types for the two codec packages that ship none (jpeg-lossless-decoder-js names a .d.ts in its
// package.json but does not publish it; the @cornerstonejs codecs are Emscripten output).

declare module 'jpeg-lossless-decoder-js' {
  /** JPEG lossless (process 14) decoder; `numBytes` is bytes per sample (1 or 2). */
  export class Decoder {
    constructor(buffer?: ArrayBuffer | null, numBytes?: number);
    /** Interleaved samples: Uint8Array for 1 byte per sample, Uint16Array for 2. */
    decode(buffer?: ArrayBuffer, offset?: number, length?: number, numBytes?: number): Uint8Array | Uint16Array;
    xDim: number;
    yDim: number;
    numComp: number;
  }
}

declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  /** The Emscripten factory: the CommonJS file's module.exports. */
  function charlsFactory(
    moduleArg: charlsFactory.CharlsModuleArg & Partial<charlsFactory.CharlsModule>,
  ): Promise<charlsFactory.CharlsModule>;
  namespace charlsFactory {
    interface CharlsFrameInfo {
      width: number;
      height: number;
      bitsPerSample: number;
      componentCount: number;
    }
    interface JpegLSDecoder {
      getEncodedBuffer(length: number): Uint8Array;
      getDecodedBuffer(): Uint8Array;
      decode(): void;
      getFrameInfo(): CharlsFrameInfo;
      getInterleaveMode(): number;
      delete(): void;
    }
    interface CharlsModule {
      JpegLSDecoder: new () => JpegLSDecoder;
    }
    interface CharlsModuleArg {
      /** Emscripten's hook to instantiate the module itself (lib ES2022 has no WebAssembly types). */
      instantiateWasm?: (imports: object, done: (instance: { exports: object }, module: object) => void) => object;
    }
  }
  export = charlsFactory;
}

declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  /** The Emscripten factory: the CommonJS file's module.exports. */
  function openJpegFactory(
    moduleArg: openJpegFactory.OpenJpegModuleArg & Partial<openJpegFactory.OpenJpegModule>,
  ): Promise<openJpegFactory.OpenJpegModule>;
  namespace openJpegFactory {
    interface J2KFrameInfo {
      width: number;
      height: number;
      bitsPerSample: number;
      componentCount: number;
      isSigned: boolean;
    }
    interface J2KDecoder {
      getEncodedBuffer(length: number): Uint8Array;
      getDecodedBuffer(): Uint8Array;
      decode(): void;
      getFrameInfo(): J2KFrameInfo;
      delete(): void;
    }
    interface OpenJpegModule {
      J2KDecoder: new () => J2KDecoder;
    }
    interface OpenJpegModuleArg {
      /** Emscripten's hook to instantiate the module itself (lib ES2022 has no WebAssembly types). */
      instantiateWasm?: (imports: object, done: (instance: { exports: object }, module: object) => void) => object;
    }
  }
  export = openJpegFactory;
}
