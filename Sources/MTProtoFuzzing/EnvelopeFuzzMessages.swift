import MTProto
import TLSchema

/// The server messages of ``EnvelopeFuzzServer``: well-formed constructors chosen by the fuzz input,
/// with fields from it, naming msg_ids the session knows (its requests in flight, its packets and
/// later messages, the server's own earlier messages) or any 64-bit value; and raw bytes.
struct EnvelopeFuzzMessages {
    private static let maximumRemembered: Int = 64
    private static let badMessageCodes: [Int32] = [16, 17, 18, 19, 20, 32, 33, 34, 35, 48, 64]
    private let now: Double
    /// msg_ids of the client's messages (requests, containers, acks, service answers), oldest first.
    private var clientIDs: [Int64] = []
    /// msg_ids this server used, oldest first.
    private var serverIDs: [Int64] = []
    private var nextServerID: Int64
    private var contentMessages: Int32 = 0

    init(now: Double) {
        self.now = now
        nextServerID = Int64(now) << 32 | 1
    }

    /// Remembers a msg_id the client sent (the last 64 are kept).
    mutating func learnClientMessage(id: Int64) {
        guard !clientIDs.contains(id) else { return }
        clientIDs.append(id)
        if clientIDs.count > Self.maximumRemembered { clientIDs.removeFirst() }
    }

    private mutating func newServerMessage(_ body: [UInt8], contentRelated: Bool) -> OutgoingMessage {
        let id: Int64 = nextServerID
        nextServerID += 4
        serverIDs.append(id)
        if serverIDs.count > Self.maximumRemembered { serverIDs.removeFirst() }
        if contentRelated { contentMessages += 1 }
        return OutgoingMessage(id: id, seqNo: contentRelated ? contentMessages * 2 - 1 : contentMessages * 2, body: body)
    }

    /// A msg_id by the next byte: one of the client's (below 0x80), one of the server's (below 0xC0),
    /// else the next eight bytes.
    private func messageID(_ input: inout FuzzInput) -> Int64 {
        let choice: UInt8 = input.byte()
        if choice < 0x80, !clientIDs.isEmpty { return clientIDs[Int(choice) % clientIDs.count] }
        if choice < 0xC0, !serverIDs.isEmpty { return serverIDs[Int(choice) % serverIDs.count] }
        return Int64(bitPattern: input.uint64())
    }

    /// Up to four msg_ids.
    private func messageIDs(_ input: inout FuzzInput) -> [Int64] {
        (0 ..< Int(input.byte() % 5)).map { _ in messageID(&input) }
    }

    /// The next message, by the next byte modulo 20 (see the cases); containers only at depth 0,
    /// `gzip_packed` only twice nested.
    mutating func message(_ input: inout FuzzInput, depth: Int) -> OutgoingMessage {
        var writer: TLWriter = TLWriter()
        var contentRelated: Bool = false
        switch input.byte() % 20 {
        case 0:  // rpc_result
            writer.writeUInt32(0xf35c_6d01)
            writer.writeInt64(messageID(&input))
            writer.writeRaw(Self.result(&input))
            contentRelated = true
        case 1:  // msgs_ack
            writer.writeRaw(MT.MsgsAck(msgIds: messageIDs(&input)).serializedBytes())
        case 2:  // bad_msg_notification
            let id: Int64 = messageID(&input)
            let code: UInt8 = input.byte()
            let errorCode: Int32 = Int(code) < Self.badMessageCodes.count ? Self.badMessageCodes[Int(code)] : Int32(code)
            writer.writeRaw(MT.BadMsgNotification.badMsgNotification(MT.BadMsgNotification.BadMsgNotification(
                badMsgId: id, badMsgSeqno: 0, errorCode: errorCode)).serializedData())
        case 3:  // bad_server_salt
            let id: Int64 = messageID(&input)
            writer.writeRaw(MT.BadMsgNotification.badServerSalt(MT.BadMsgNotification.BadServerSalt(
                badMsgId: id, badMsgSeqno: 0, errorCode: 48, newServerSalt: Int64(bitPattern: input.uint64()))).serializedData())
        case 4:  // new_session_created
            let first: Int64 = messageID(&input)
            writer.writeRaw(MT.NewSession(firstMsgId: first, uniqueId: 1, serverSalt: Int64(bitPattern: input.uint64())).serializedBytes())
        case 5:  // pong
            writer.writeRaw(MT.Pong(msgId: messageID(&input), pingId: 1).serializedBytes())
            contentRelated = true
        case 6:  // future_salts, valid from now on, an hour each
            let request: Int64 = messageID(&input)
            let salts: [MT.FutureSalt] = (0 ..< Int(input.byte() % 4)).map { (index: Int) -> MT.FutureSalt in
                let since: Int32 = Int32(now) + Int32(index) * 3600 - Int32(input.byte())
                return MT.FutureSalt(validSince: since, validUntil: since + 3600, salt: Int64(bitPattern: input.uint64()))
            }
            writer.writeRaw(MT.FutureSalts(reqMsgId: request, now: Int32(now), salts: salts).serializedBytes())
            contentRelated = true
        case 7:  // msg_detailed_info
            let id: Int64 = messageID(&input)
            writer.writeRaw(MT.MsgDetailedInfo.msgDetailedInfo(MT.MsgDetailedInfo.MsgDetailedInfo(
                msgId: id, answerMsgId: messageID(&input), bytes: 16, status: 0)).serializedData())
        case 8:  // msg_new_detailed_info
            writer.writeRaw(MT.MsgDetailedInfo.msgNewDetailedInfo(MT.MsgDetailedInfo.MsgNewDetailedInfo(
                answerMsgId: messageID(&input), bytes: 16, status: 0)).serializedData())
        case 9:  // msgs_state_req
            writer.writeRaw(MT.MsgsStateReq(msgIds: messageIDs(&input)).serializedBytes())
        case 10:  // msgs_state_info
            let request: Int64 = messageID(&input)
            writer.writeRaw(MT.MsgsStateInfo(reqMsgId: request, info: input.chunk(maximum: 8)).serializedBytes())
        case 11:  // msgs_all_info
            let ids: [Int64] = messageIDs(&input)
            writer.writeRaw(MT.MsgsAllInfo(msgIds: ids, info: input.chunk(maximum: 8)).serializedBytes())
        case 12:  // msg_resend_req
            writer.writeRaw(MT.MsgResendReq(msgIds: messageIDs(&input)).serializedBytes())
        case 13 where depth == 0:  // msg_container of up to four messages
            let items: [OutgoingMessage] = (0 ..< Int(input.byte() % 4) + 1).map { _ in message(&input, depth: depth + 1) }
            writer.writeRaw(ContainerEncoding.encode(items))
        case 14 where depth < 2:  // gzip_packed around the next message's body (its id is skipped)
            let inner: OutgoingMessage = message(&input, depth: depth + 1)
            writer.writeRaw(MT.GzipPacked(packedData: TLGzip.deflate(inner.body)).serializedBytes())
            contentRelated = inner.seqNo & 1 == 1
        case 15:  // destroy_auth_key_ok / _none / _fail
            writer.writeUInt32([0xf660_e1d4, 0x0a9f_2259, 0xea10_9b13][Int(input.byte() % 3)])
        case 16:
            writer.writeRaw(MT.HttpWait(maxDelay: 0, waitAfter: 0, maxWait: 0).serializedBytes())
        case 17:
            writer.writeRaw(MT.DestroySessionRes.destroySessionOk(MT.DestroySessionRes.DestroySessionOk(sessionId: 7)).serializedData())
        case 18:  // updatesTooLong, as updates come
            writer.writeUInt32(0xe317_af7e)
            contentRelated = true
        default:  // raw bytes, padded to a multiple of 4
            let raw: [UInt8] = input.chunk()
            writer.writeRaw(raw + [UInt8](repeating: 0, count: (4 - raw.count % 4) % 4))
            contentRelated = true
        }
        return newServerMessage(writer.bytes, contentRelated: contentRelated)
    }

    /// The `result` of an `rpc_result`, by the next byte modulo 9: a `boolTrue` answer, `rpc_error`,
    /// a gzip-packed answer, `rpc_answer_unknown`, `rpc_answer_dropped_running`, `rpc_answer_dropped`,
    /// a gzip-packed `rpc_error`, raw bytes, gzip-packed raw bytes.
    private static func result(_ input: inout FuzzInput) -> [UInt8] {
        let boolTrue: [UInt8] = [0xb5, 0x75, 0x72, 0x99]
        switch input.byte() % 9 {
        case 1: return rpcError(&input)
        case 2: return MT.GzipPacked(packedData: TLGzip.deflate(boolTrue)).serializedBytes()
        case 3: return MT.RpcDropAnswer.rpcAnswerUnknown.serializedData()
        case 4: return MT.RpcDropAnswer.rpcAnswerDroppedRunning.serializedData()
        case 5:
            return MT.RpcDropAnswer.rpcAnswerDropped(MT.RpcDropAnswer.RpcAnswerDropped(msgId: 1, seqNo: 1, bytes: 4)).serializedData()
        case 6: return MT.GzipPacked(packedData: TLGzip.deflate(rpcError(&input))).serializedBytes()
        case 7: return input.chunk()
        case 8: return MT.GzipPacked(packedData: TLGzip.deflate(input.chunk())).serializedBytes()
        default: return boolTrue
        }
    }

    /// `rpc_error` with a code and a message from the input.
    private static func rpcError(_ input: inout FuzzInput) -> [UInt8] {
        let code: Int32 = [400, 420, 500, 303, 401][Int(input.byte() % 5)]
        let text: String = String(decoding: input.chunk(maximum: 32), as: UTF8.self)
        return MT.RpcError(errorCode: code, errorMessage: text.isEmpty ? "FLOOD_WAIT_3" : text).serializedBytes()
    }
}
