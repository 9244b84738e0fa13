import CZlib

/// gzip (RFC 1952) for `gzip_packed#3072cfa1`, through the system zlib.
public enum TLGzip {
    /// The largest inflated body accepted by default: the largest MTProto frame (16 MiB).
    public static let defaultMaximumInflatedSize: Int = 16 << 20

    /// Inflates a gzip stream. Fails for a malformed stream or one that inflates beyond `maximumSize`;
    /// never allocates more than `maximumSize` plus one chunk.
    public static func inflate(_ input: [UInt8], maximumSize: Int, offset: Int = 0) throws(TLDecodingError) -> [UInt8] {
        var stream: z_stream = z_stream()
        // 15 window bits + 16: gzip header and trailer, checked by zlib.
        let initStatus: Int32 = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        if initStatus != Z_OK {
            throw TLDecodingError.invalidGzip(offset: offset, reason: "zlib could not start (\(initStatus))")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        let chunkSize: Int = 64 << 10
        var chunk: [UInt8] = [UInt8](repeating: 0, count: chunkSize)
        var status: Int32 = Z_OK
        var failure: String? = nil
        input.withUnsafeBufferPointer { (inputBuffer: UnsafeBufferPointer<UInt8>) in
            stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
            stream.avail_in = UInt32(inputBuffer.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { (out: inout UnsafeMutableBufferPointer<UInt8>) -> Int in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(chunkSize)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return chunkSize - Int(stream.avail_out)
                }
                if status != Z_OK && status != Z_STREAM_END {
                    failure = "corrupt stream (zlib \(status))"
                    return
                }
                if output.count + produced > maximumSize {
                    failure = "inflates beyond \(maximumSize) bytes"
                    return
                }
                output.append(contentsOf: chunk[0 ..< produced])
                if status == Z_OK && produced == 0 && stream.avail_in == 0 {
                    failure = "truncated stream"
                    return
                }
            } while status != Z_STREAM_END
        }
        if let failure {
            throw TLDecodingError.invalidGzip(offset: offset, reason: failure)
        }
        return output
    }

    /// Compresses `input` into a gzip stream (for outgoing `gzip_packed`).
    public static func deflate(_ input: [UInt8], level: Int32 = Z_DEFAULT_COMPRESSION) -> [UInt8] {
        var stream: z_stream = z_stream()
        let initStatus: Int32 = deflateInit2_(
            &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(initStatus == Z_OK, "zlib deflateInit2 failed: \(initStatus)")
        defer { deflateEnd(&stream) }
        let bound: Int = Int(deflateBound(&stream, UInt(input.count)))
        var output: [UInt8] = [UInt8](repeating: 0, count: bound)
        var produced: Int = 0
        input.withUnsafeBufferPointer { (inputBuffer: UnsafeBufferPointer<UInt8>) in
            output.withUnsafeMutableBufferPointer { (out: inout UnsafeMutableBufferPointer<UInt8>) in
                stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
                stream.avail_in = UInt32(inputBuffer.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                let status: Int32 = CZlib.deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "zlib deflate with deflateBound output failed: \(status)")
                produced = out.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(produced...)
        return output
    }
}
