/// Stripped thumbnails (`photoStrippedSize`): Telegram drops the standard JPEG header of tiny
/// previews and keeps 0x01, height, width and the body; this puts the header and footer back, as
/// https://core.telegram.org/api/files#stripped-thumbnails describes.
public enum StrippedThumbnail {
    /// The JPEG a stripped thumbnail stands for; nil when the bytes are not one.
    public static func jpeg(_ stripped: [UInt8]) -> [UInt8]? {
        guard stripped.count >= 3, stripped[0] == 0x01 else { return nil }
        var image: [UInt8] = header
        image[heightOffset] = stripped[1]
        image[widthOffset] = stripped[2]
        image += stripped[3...]
        image += [0xFF, 0xD9]
        return image
    }

    /// Where the header's SOF0 segment keeps the height and the width (low bytes).
    static let heightOffset: Int = 164
    static let widthOffset: Int = 166

    /// The header Telegram documents, by JPEG segment: SOI, JFIF APP0, the two quantization tables,
    /// SOF0 (size filled in), the four Huffman tables, SOS.
    static let header: [UInt8] = hexBytes([
        "ffd8",
        "ffe000104a46494600010100000100010000",
        "ffdb004300281c1e231e19282321232d2b28303c64413c37373c7b585d4964918099968f808c8aa0b4e6c3a0aadaad8a8cc8ffcbdaeef5ffffff9bc1fffffffaffe6fdfff8",
        "ffdb0043012b2d2d3c353c76414176f8a58ca5f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8",
        "ffc00011080000000003012200021101031101",
        "ffc4001f0000010501010101010100000000000000000102030405060708090a0b",
        "ffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa",
        "ffc4001f0100030101010101010101010000000000000102030405060708090a0b",
        "ffc400b51100020102040403040705040400010277000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f11718191a262728292a35363738393a434445464748494a535455565758595a636465666768696a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9fa",
        "ffda000c03010002110311003f00",
    ].joined())

    private static func hexBytes(_ hex: String) -> [UInt8] {
        let digits: [UInt8] = Array(hex.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).map { (i: Int) -> UInt8 in
            UInt8(nibble(digits[i]) << 4 | nibble(digits[i + 1]))
        }
    }

    private static func nibble(_ digit: UInt8) -> UInt8 {
        digit >= 0x61 ? digit - 0x61 + 10 : digit - 0x30
    }
}
