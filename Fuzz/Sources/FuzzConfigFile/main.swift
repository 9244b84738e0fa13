import Bot
import FuzzSupport
import Telegram

/// Any text as a configuration file, then through the configuration checks.
@_cdecl("FuzzConfigFile_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { (data: UnsafePointer<UInt8>?, size: Int) -> CInt in
        let text: String = String(decoding: bytes(data, size), as: UTF8.self)
        if case .success(let values) = ConfigurationFile.parse(text) {
            _ = BotConfiguration.parse(values, for: .run)
        }
        return 0
    }
}
