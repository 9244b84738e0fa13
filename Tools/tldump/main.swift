import ArgumentParser
import Foundation
import TLSchema

/// `tldump`: decode one boxed TL object from captured bytes and print it as a tree.
struct TLDump: ParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "tldump",
        abstract: "Decode one boxed TL object (any constructor or function of the API and MTProto schemas) and print it.",
        discussion: """
            gzip_packed objects are inflated and their content printed. Absent optional fields and \
            false booleans (unset flags) are not shown. Exit status 0 when the bytes \
            decode completely; 1 with one line on stderr (offset and reason) when they do not.
            """)

    @Argument(help: "The object's bytes in hex (spaces allowed).")
    var hex: String?

    @Option(name: .long, help: "Read the object's raw bytes from this file instead.")
    var file: String?

    @Flag(name: .long, help: "Also print, as the last line, the hex of the object encoded again.")
    var reencode: Bool = false

    func run() throws {
        let bytes: [UInt8]
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                Self.fail("cannot read \(file)")
            }
            bytes = [UInt8](data)
        } else if let hex {
            guard let decoded = TLHex.decode(hex) else {
                Self.fail("the argument is not hex (an odd number of digits or a non-hex character)")
            }
            bytes = decoded
        } else {
            throw ValidationError("give the bytes as HEX or with --file PATH")
        }
        var reader: TLReader = TLReader(bytes)
        let value: any TLSerializable
        switch Result(catching: { () throws(TLDecodingError) -> any TLSerializable in try TLRegistry.decodeObject(from: &reader) }) {
        case .success(let decoded):
            value = decoded
        case .failure(let error):
            Self.fail(error.description)
        }
        if !reader.isAtEnd {
            Self.fail("offset \(reader.offset): \(reader.remaining) byte(s) left after the object")
        }
        print(TLDescriber(maximumBytesShown: 1 << 20).describe(value), terminator: "")
        if reencode {
            print(TLHex.encode(value.serializedData()))
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data(("tldump: " + message + "\n").utf8))
        Foundation.exit(1)
    }
}

TLDump.main()
