import Loader
import Retry
import Testing

@Suite("Load schedule")
struct LoadScheduleTests {
    let schedule = LoadSchedule(interval: .seconds(300), leaseRetry: .seconds(30),
        backoff: FullJitterBackoff(initialDelay: .seconds(1), maxDelay: .seconds(60)))

    @Test("behind: at once; caught up: the rest of the interval; lease held elsewhere: soon; failed: jittered backoff within the interval")
    func delays() {
        #expect(schedule.delay(after: .loaded(behind: true), took: .seconds(20), unitRandom: 0.5) == .zero)
        #expect(schedule.delay(after: .loaded(behind: false), took: .seconds(20), unitRandom: 0.5) == .seconds(280))
        #expect(schedule.delay(after: .loaded(behind: false), took: .seconds(400), unitRandom: 0.5) == .zero)
        #expect(schedule.delay(after: .waitingForLease, took: .seconds(1), unitRandom: 0.5) == .seconds(30))
        let first = schedule.delay(after: .failed(consecutive: 1), took: .zero, unitRandom: 0.999)
        let tenth = schedule.delay(after: .failed(consecutive: 10), took: .zero, unitRandom: 0.999)
        #expect(first <= .seconds(1) && tenth > .seconds(30) && tenth <= .seconds(60))
        #expect(schedule.delay(after: .failed(consecutive: 10), took: .zero, unitRandom: 0) == .zero)
        #expect(LoadSchedule(interval: .seconds(5)).leaseRetry == .seconds(5))
    }
}

@Suite("PostgreSQL URLs")
struct PostgresURLTests {
    @Test("libpq's URI form: user, password, host, port, database, sslmode; TLS verified unless on loopback")
    func parsing() throws {
        let url = try PostgresURL("postgresql://loader:p%40ss@redshift.example.com:5439/dev?sslmode=verify-ca&sslrootcert=/ca.pem")
        #expect(url.user == "loader" && url.password == "p@ss" && url.host == "redshift.example.com" && url.port == 5439)
        #expect(url.database == "dev" && url.sslMode == .verifyCA && url.sslRootCert == "/ca.pem")
        #expect(url.description == "postgresql://loader@redshift.example.com:5439/dev")
        #expect(try PostgresURL("postgres://me@db.internal/warehouse").sslMode == .verifyFull)
        #expect(try PostgresURL("postgres://me@127.0.0.1:5432/w").sslMode == .prefer)
        #expect(try PostgresURL("postgres://me@localhost").database == "me")
    }

    @Test("bad URLs are configuration errors that never show the password", arguments: [
        "mysql://u:secret@h/d", "postgresql://:secret@h/d", "postgresql://u:secret@/d", "postgresql://u:secret@h/d?sslmode=maybe",
    ])
    func refused(_ text: String) {
        do {
            _ = try PostgresURL(text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.code == .configuration)
            #expect(!error.message.contains("secret"), "\(error.message)")
        }
    }
}
