@testable import TLGenCore
import Testing

@Suite struct ConstructorIDTests {
    @Test(arguments: [
        ("vector t:Type # [ t ] = Vector t", 0x1cb5_c415 as UInt32),
        ("boolTrue = Bool", 0x9972_75b5),
        ("msgs_ack msg_ids:Vector long = MsgsAck", 0x62d6_b459),
        ("invokeWithLayer X:Type layer:int query:!X = X", 0xda9b_0d0d),
        ("gzip_packed packed_data:string = Object", 0x3072_cfa1),
    ])
    func crc32OfNormalisedText(text: String, id: UInt32) {
        #expect(CRC32.checksum(text) == id)
    }
}
