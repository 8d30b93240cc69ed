import ArgumentParser
import Foundation
import ReproKit

/// `repro`: reproduce optimizer papers at CPU scale, claim by claim.
struct Repro: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repro",
        abstract: "Reproduce deep-learning optimizer papers at CPU scale and judge each claim.",
        discussion: """
        Exit codes: 0 success; 1 a trial failed (`repro diff`: something changed beyond noise); 2 usage error; \
        130 interrupted (Ctrl-C or SIGTERM). `repro --version` prints the version, the commit of the checkout \
        and the toolchain. Developer command (not listed): `repro golden` rewrites Tests/ExperimentTests/Golden/; `repro task` is what \
        SLURM array tasks run.
        """,
        subcommands: [List.self, Run.self, Collect.self, Merge.self, Show.self, Runs.self, Diff.self, Report.self,
                      Golden.self, ArrayTaskCommand.self]
    )
}

/// Exit codes: 0 success, 1 a trial failed, 2 usage error, 130 interrupted.
@main
enum Main {
    static func main() {
        if CommandLine.arguments.dropFirst().first == "--version" {
            print(ReproVersion.info.text, terminator: "")
            exit(0)
        }
        do {
            var command = try Repro.parseAsRoot()
            try command.run()
        } catch let error as UsageError {
            fail(error.description, code: 2)
        } catch let error as CleanExit {
            Repro.exit(withError: error)
        } catch let error as ExitCode {
            Repro.exit(withError: error)
        } catch {
            let code = Repro.exitCode(for: error)
            if code == .success { Repro.exit(withError: error) }
            // Parse and validation errors: one line, exit 2 (ArgumentParser would say 64).
            if code == .validationFailure { fail(Repro.message(for: error), code: 2) }
            fail("\(error)", code: 1)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        let line = message.split(separator: "\n").first.map(String.init) ?? message
        FileHandle.standardError.write(Data("repro: error: \(line)\n".utf8))
        exit(code)
    }
}
