@testable import TLGenCore
import Testing

/// The schema reader on every construct of the TL language that Telegram's files use.
@Suite struct ParserTests {
    static let sample: String = """
        // A comment line
        /* a block
           comment */
        int ? = Int;
        long ? = Long;
        vector {t:Type} # [ t ] = Vector t;
        int128 4*[ int ] = Int128;
        boolFalse#bc799737 = Bool;
        boolTrue#997275b5 = Bool;
        true#3fedd339 = True;

        ---types---
        peerUser#59511722 user_id:long = Peer;
        peerChat#36c6019a chat_id:long = Peer;
        auth.sentCode#5e002502 flags:# phone_code_hash:string next_type:flags.1?Peer timeout:flags.2?int = auth.SentCode;
        user#1 flags:# self:flags.10?true bot_info_version:flags.14?int bot:flags.14?true flags2:# stories_max_id:flags2.5?int = User;
        future_salt#0949d9dc valid_since:int valid_until:int salt:long = FutureSalt;
        future_salts#ae500895 req_msg_id:long now:int salts:vector<future_salt> = FutureSalts;
        msg_container#73f1f8dc messages:vector<%Message> = MessageContainer;
        message msg_id:long seqno:int bytes:int body:Object = Message;
        nonces#2 a:int128 b:int256 d:double ids:Vector<long> ok:Bool raw:bytes = Nonces;
        ---functions---
        invokeWithLayer#da9b0d0d {X:Type} layer:int query:!X = X;
        messages.getIds#3 peer:Peer = Vector<long>;
        ---types---
        later#4 = Later;
        // LAYER 42
        """

    @Test func everyConstructIsRead() throws {
        let schema: TLSchema = try SchemaReader.read(text: Self.sample, file: "sample.tl")
        #expect(schema.layer == 42)
        #expect(schema.constructors.map(\.name) == [
            "peerUser", "peerChat", "auth.sentCode", "user", "future_salt", "future_salts", "msg_container", "message",
            "nonces", "later",
        ])
        #expect(schema.functions.map(\.name) == ["invokeWithLayer", "messages.getIds"])
        #expect(schema.typeNames == [
            "Peer", "auth.SentCode", "User", "FutureSalt", "FutureSalts", "MessageContainer", "Message", "Nonces", "Later",
        ])

        let sentCode: TLCombinator = schema.constructors[2]
        #expect(sentCode.namespace == "auth")
        #expect(sentCode.shortName == "sentCode")
        #expect(sentCode.fields.map(\.kind) == [
            .flagsWord, .plain(.string), .conditional(word: "flags", bit: 1, .boxed("Peer")),
            .conditional(word: "flags", bit: 2, .int),
        ])

        let user: TLCombinator = schema.constructors[3]
        #expect(user.fields.map(\.kind) == [
            .flagsWord, .conditional(word: "flags", bit: 10, .trueFlag), .conditional(word: "flags", bit: 14, .int),
            .conditional(word: "flags", bit: 14, .trueFlag), .flagsWord, .conditional(word: "flags2", bit: 5, .int),
        ])
        #expect(user.explicitID == 1)

        #expect(schema.constructors[5].fields[2].kind == .plain(.vector(.bare(constructor: "future_salt"), boxed: false)))
        #expect(schema.constructors[6].fields[0].kind == .plain(.vector(.bare(constructor: "message"), boxed: false)))
        let message: TLCombinator = schema.constructors[7]
        #expect(message.explicitID == nil)
        #expect(message.id == 0x5bb8_e511)
        #expect(message.fields[3].kind == .plain(.object))
        #expect(schema.constructors[8].fields.map(\.kind) == [
            .plain(.int128), .plain(.int256), .plain(.double), .plain(.vector(.long, boxed: true)), .plain(.bool), .plain(.bytes),
        ])

        let invoke: TLCombinator = schema.functions[0]
        #expect(invoke.generics == ["X"])
        #expect(invoke.fields[1].kind == .plain(.generic("X")))
        #expect(invoke.result == .generic("X"))
        #expect(schema.functions[1].result == .vector(.long, boxed: true))
        #expect(schema.constructors[9].isFunction == false)
    }

    @Test func explicitIDsAreCheckedAgainstTheCRC() throws {
        let schema: TLSchema = try SchemaReader.read(text: Self.sample, file: "sample.tl")
        // msg_container's published id is the CRC of an older text: the known exception.
        #expect(schema.warnings.contains { $0.message.contains("'msg_container' has id #73f1f8dc") })
        #expect(schema.warnings.contains { $0.message.contains("'user' has id #00000001") })
        #expect(!schema.warnings.contains { $0.message.contains("'future_salts'") })
    }

    @Test func layerComesFromTheCommandLineWhenTheFileHasNone() throws {
        let schema: TLSchema = try SchemaReader.read(text: "a#1 = A;", file: "x.tl", layer: 225)
        #expect(schema.layer == 225)
        let marked: TLSchema = try SchemaReader.read(text: "a#1 = A;\n// LAYER 7\n", file: "x.tl", layer: 225)
        #expect(marked.layer == 7)
    }

    @Test func constructorIDsMayHaveFewerThanEightDigits() throws {
        let schema: TLSchema = try SchemaReader.read(text: "userFull#6cbe645 id:long = UserFull;", file: "x.tl")
        #expect(schema.constructors[0].id == 0x06cb_e645)
    }

    @Test func duplicateIdenticalDeclarationsAreDeduplicated() throws {
        let schema: TLSchema = try SchemaReader.read(text: "a#1 x:int = A;\na#1 x:int = A;", file: "x.tl")
        #expect(schema.constructors.count == 1)
        #expect(schema.warnings.contains { $0.message.contains("duplicate declaration of 'a' ignored") })
    }

    @Test func projectSchemasParse() throws {
        let api: TLSchema = try SchemaReader.read(text: try ProjectFiles.text("schema/api.tl"), file: "api.tl")
        #expect(api.layer == 229)
        #expect(api.constructors.count > 1600)
        #expect(api.warnings.isEmpty)
        let mt: TLSchema = try SchemaReader.read(text: try ProjectFiles.text("schema/mtproto.tl"), file: "mtproto.tl")
        #expect(mt.warnings.count == 1)  // msg_container
        let published: TLSchema = try SchemaReader.read(
            text: try ProjectFiles.text("Tests/TLGenTests/Fixtures/api-layer225-published.tl"), file: "published.tl", layer: 225)
        #expect(published.layer == 225)
        #expect(published.constructors.contains { $0.name == "error" })
        #expect(!published.constructors.contains { $0.name == "boolTrue" || $0.name == "vector" })
    }
}
