import PQModel
import Testing

@Suite("GateThreshold: one rule for scan --fail-on and assess --fail-on")
struct GateThresholdTests {
    @Test("status thresholds are met at or above their status; policy thresholds by the state alone")
    func table() {
        let statuses: [QuantumStatus] = [.resistant, .hybrid, .weakened, .vulnerable, .broken]
        for status in statuses {
            #expect(GateThreshold.broken.isMet(status: status, state: nil) == (status == .broken))
            #expect(
                GateThreshold.vulnerable.isMet(status: status, state: nil) == [.vulnerable, .broken].contains(status))
            #expect(
                GateThreshold.weakened.isMet(status: status, state: nil)
                    == [.weakened, .vulnerable, .broken].contains(status))
            #expect(!GateThreshold.deprecated.isMet(status: status, state: nil), "no policy, no verdict")
            for state in PolicyState.allCases {
                #expect(GateThreshold.disallowed.isMet(status: status, state: state) == (state == .disallowed))
                #expect(
                    GateThreshold.deprecated.isMet(status: status, state: state)
                        == (state == .deprecated || state == .disallowed))
            }
        }
        #expect(GateThreshold.withoutPolicy == [.broken, .vulnerable, .weakened])
    }
}
