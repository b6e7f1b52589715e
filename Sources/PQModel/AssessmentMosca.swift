/// The three numbers of Mosca's inequality and the day they were applied on.
///
/// M. Mosca, "Cybersecurity in an era with quantum computers: will we be ready?" (IEEE Security & Privacy, 2018):
/// data protected today by quantum-vulnerable key establishment is exposed when **x + y > z**, where x is how long
/// the data must stay confidential, y how long the migration takes, and z how long until a cryptographically
/// relevant quantum computer (CRQC) exists. PQScout counts z from the as-of year: z = crqcYear − asOfYear.
public struct MoscaInputs: Codable, Sendable, Hashable {
    /// x: years the data must stay confidential (`--data-lifetime-years`); 0 = confidentiality does not matter.
    public var dataLifetimeYears: Int
    /// y: years the migration of this system takes (`--migration-years`).
    public var migrationYears: Int
    /// The year a CRQC is assumed (`--crqc-year`).
    public var crqcYear: Int
    /// Where the CRQC year comes from: a named published estimate or "given".
    public var crqcEstimate: String
    /// The as-of year z is counted from.
    public var asOfYear: Int

    public init(dataLifetimeYears: Int, migrationYears: Int, crqcYear: Int, crqcEstimate: String, asOfYear: Int) {
        self.dataLifetimeYears = dataLifetimeYears
        self.migrationYears = migrationYears
        self.crqcYear = crqcYear
        self.crqcEstimate = SourceCitation.citation(crqcEstimate)
        self.asOfYear = asOfYear
    }

    /// z: years from the as-of year until the assumed CRQC (negative once it is past).
    public var yearsToCRQC: Int { crqcYear - asOfYear }

    /// x + y − z: how many years of recorded data are exposed; > 0 means the inequality holds.
    public var exposureYears: Int { dataLifetimeYears + migrationYears - yearsToCRQC }

    /// True when confidentiality matters (x > 0) and x + y > z: traffic recorded today is read by a CRQC while it
    /// must still be secret.
    public var holds: Bool { dataLifetimeYears > 0 && exposureYears > 0 }

    /// The inequality with its numbers, in one line.
    public var statement: String {
        let left = "x + y = \(dataLifetimeYears) + \(migrationYears) = \(dataLifetimeYears + migrationYears)"
        let right = "z = \(crqcYear) − \(asOfYear) = \(yearsToCRQC)"
        if dataLifetimeYears == 0 {
            return "\(left), \(right): x = 0, no data must stay secret, so there is no harvest-now-decrypt-later term"
        }
        if holds {
            return "\(left) > \(right): data recorded today is exposed for \(exposureYears) year(s) "
                + "(CRQC year \(crqcYear), \(crqcEstimate))"
        }
        return "\(left) ≤ \(right): not yet exposed; the margin is \(-exposureYears) year(s) "
            + "(CRQC year \(crqcYear), \(crqcEstimate))"
    }
}
