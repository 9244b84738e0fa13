import FuzzSupport
import TLGenCore

/// Any text as a TL schema, then (when it reads) through the Swift generator.
@_cdecl("FuzzSchemaParser_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { (data: UnsafePointer<UInt8>?, size: Int) -> CInt in
        let text: String = String(decoding: bytes(data, size), as: UTF8.self)
        if let schema = try? SchemaReader.read(text: text, file: "fuzz.tl", layer: 1) {
            _ = try? SwiftGenerator().generate([GeneratorInput(namespace: "Fuzz", sourceName: "fuzz.tl", schema: schema)])
        }
        return 0
    }
}
