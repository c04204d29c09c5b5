{
  "targets": [
    {
      "target_name": "medtransfer_native",
      "sources": [
        "src/activation.cc",
        "src/addon.cc",
        "src/batchNorm.cc",
        "src/context.cc",
        "src/convolution.cc",
        "src/pooling.cc",
        "src/channels.cc",
        "src/copy.cc",
        "src/finite.cc"
      ],
      "dependencies": ["medtransfer_optimizer"],
      "cflags_cc": ["-std=c++17", "-O2", "-fexceptions", "-fopenmp"],
      "cflags_cc!": ["-fno-exceptions"],
      "ldflags": ["-fopenmp", "-Wl,--disable-new-dtags", "-Wl,-rpath,'$$ORIGIN/lib'"],
      "libraries": ["-ldnnl"],
      "defines": ["NAPI_VERSION=8"]
    },
    {
      "target_name": "medtransfer_optimizer",
      "type": "static_library",
      "sources": ["src/optimizer.cc"],
      "cflags_cc": ["-std=c++17", "-O2", "-fPIC", "-fopenmp", "-ffp-contract=off", "-fno-math-errno"]
    }
  ]
}
