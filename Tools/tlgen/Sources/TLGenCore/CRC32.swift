/// CRC-32 (IEEE 802.3, as zlib's `crc32`), used for TL constructor ids.
enum CRC32 {
    private static let table: [UInt32] = (0 ..< 256).map { (i: Int) -> UInt32 in
        var c: UInt32 = UInt32(i)
        for _ in 0 ..< 8 {
            c = (c & 1) != 0 ? (0xEDB8_8320 ^ (c >> 1)) : (c >> 1)
        }
        return c
    }

    static func checksum(_ text: String) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in text.utf8 {
            crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }
}
