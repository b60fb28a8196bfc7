/// When everything happens: the baseline's ticks and the attack's, in one list.
extension AttackCase.Builder {
    mutating func add(_ time: Int, _ kind: Kind) {
        guard time >= start && time < end else { return }
        ticks.append(Tick(time: time, order: ticks.count, kind: kind))
    }

    func isWeekend(_ time: Int) -> Bool {
        let weekday = (time / 86_400 + 4) % 7  // 1970-01-01 was a Thursday; 0 = Sunday
        return weekday == 0 || weekday == 6
    }

    /// How busy the applications are, 0 (night) to 1: up from 05:00 UTC, flat 09:00–17:00, down by 21:00.
    func activity(_ time: Int) -> Double {
        let hour = Double(time % 86_400) / 3_600
        var a = hour < 5 || hour > 21 ? 0 : hour < 9 ? (hour - 5) / 4 : hour <= 17 ? 1 : (21 - hour) / 4
        if isWeekend(time) { a *= 0.6 }
        return a
    }

    mutating func schedule() {
        // Lambda functions: credentials from lambda.amazonaws.com, renewed about every 12 hours.
        for (f, function) in Self.functions.enumerated() {
            var renewals: [Int] = []
            var actors: [Actor] = []
            var t = start + 20 + rng.below(900)
            while t < end {
                let key = "ASIA" + rng.characters(16, from: Alphabet.base32)
                let addresses = (0..<2).map { _ in function.network + String(10 + rng.below(240)) }
                actors.append(Actor.roleSession(
                    appBackend, session: function.name, accessKeyId: key, created: t, addresses: addresses,
                    userAgent: function.userAgent, tls: .tls13,
                    inScopeOf: #"{"issuerType":"AWS::Lambda::Function","credentialsIssuedTo":"arn:aws:lambda:\#(AttackCase.region):\#(AttackCase.account):function:\#(function.name)"}"#))
                add(t, .functionCredentials(function: f, period: renewals.count))
                renewals.append(t)
                t += 43_200 - 900 + rng.below(900)
            }
            functionActors.append(actors)
            var period = 0
            var call = renewals[0] + 1 + rng.below(4)
            while call < end {
                while period + 1 < renewals.count && renewals[period + 1] < call { period += 1 }
                add(call, .functionCall(function: f, period: period))
                let gap = function.nightGap - (function.nightGap - function.peakGap) * activity(call)
                call += max(1, Int(rng.exponential(mean: gap)))
            }
        }
        // The ETL instance: role credentials delivered through IMDSv2, renewed about every 6 hours.
        var t = start + 300 + rng.below(1_500)
        while t < end {
            let key = "ASIA" + rng.characters(16, from: Alphabet.base32)
            instanceActors.append(Actor.roleSession(
                analyticsETL, session: Self.instanceId, accessKeyId: key, created: t, addresses: ["10.20.3.47"],
                userAgent: "Boto3/1.34.131 md/Botocore#1.34.131 ua/2.0 os/linux#6.1.112-122.189.amzn2023.x86_64 md/arch#x86_64 lang/python#3.11.10 md/pyimpl#CPython cfg/retry-mode#standard Botocore/1.34.131",
                tls: .tls13, vpcEndpointId: "vpce-0f1e2d3c4b5a69788", extraContext: #","ec2RoleDelivery":"2.0""#,
                inScopeOf: #"{"issuerType":"AWS::EC2::Instance","credentialsIssuedTo":"arn:aws:ec2:\#(AttackCase.region):\#(AttackCase.account):instance/\#(Self.instanceId)"}"#))
            add(t, .instanceCredentials(period: instanceRenewals.count))
            instanceRenewals.append(t)
            t += 21_600 - 600 + rng.below(600)
        }
        for day in 0..<days {
            let midnight = start + day * 86_400
            // Nightly parallel Scan of Orders at 02:00, several pages per segment.
            let period = instanceRenewals.lastIndex { $0 < midnight + 7_200 } ?? 0
            for segment in 0..<4 {
                var page = midnight + 7_200 + 1 + rng.below(3)
                for p in 0..<(4 + rng.below(4)) {
                    add(page, .etlPage(segment: segment, page: p, period: period))
                    page += 3 + rng.below(8)
                }
            }
            // The reporting job at 06:00: a few GSI queries, then a few reads.
            var report = midnight + 6 * 3_600 + 2 + rng.below(20)
            for call in 0..<(5 + rng.below(4)) {
                add(report, .report(call: call))
                report += 1 + rng.below(3)
            }
            // The administrator on working days: a morning session, some days another after lunch.
            if !isWeekend(midnight) {
                var sessionStarts = [midnight + 7 * 3_600 + 1_800 + rng.below(7_200)]
                if rng.chance(0.4) { sessionStarts.append(midnight + 12 * 3_600 + rng.below(10_800)) }
                for signIn in sessionStarts { scheduleAdmin(signIn) }
            }
            // A handful of throttled calls in busy hours, far apart.
            for _ in 0..<(rng.chance(0.5) ? 1 : 0) + (rng.chance(0.3) ? 1 : 0) {
                let time = midnight + 9 * 3_600 + rng.below(8 * 3_600)
                if !throttles.contains(where: { abs($0 - time) < 1_800 }) { throttles.append(time) }
            }
        }
        throttles.sort()
        scheduleAttack()
    }

    mutating func scheduleAdmin(_ signIn: Int) {
        let session = adminActors.count
        adminActors.append(Actor.roleSession(
            adminRole, session: Self.adminUser, accessKeyId: "ASIA" + rng.characters(16, from: Alphabet.base32),
            created: signIn, addresses: [Self.officeIP],
            userAgent: "aws-cli/2.18.4 md/awscrt#0.21.5 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off",
            tls: .modern))
        add(signIn, .signIn(session: session))
        var calls: [AdminCall] = [.describeTable(Table(rawValue: describeRotation % 4)!)]
        describeRotation += 1
        let others: [AdminCall] = [.listTables, .describeContinuousBackups(.orders), .describeContinuousBackups(.ledger),
                                   .describeTimeToLive(.sessions), .listBackups(.orders), .listBackups(.customers),
                                   .describeTable(.orders)]
        for _ in 0..<(1 + rng.below(4)) { calls.append(others[rng.below(others.count)]) }
        if let list = calls.firstIndex(where: { if case .listTables = $0 { true } else { false } }) {
            calls.insert(calls.remove(at: list), at: 0)
        }
        var t = signIn + 20 + rng.below(40)
        for call in calls {
            add(t, .admin(session: session, call: call))
            t += 15 + rng.below(200)
        }
    }

    mutating func scheduleAttack() {
        let base = attackDay + 22 * 3_600
        func at(_ seconds: Int, _ event: AttackEvent) { add(base + seconds, .attack(event)) }
        func jitter(_ n: Int) -> Int { rng.below(n + 1) }
        // recon 22:03:11–22:07
        at(191, .callerIdentity)
        at(Self.assumeRoleAt, .assumeRole)
        var t = 266 + jitter(6)
        at(t, .listTables)
        for table in Table.allCases {
            t += 3 + jitter(4)
            at(t, .describeTable(table))
        }
        at(338 + jitter(4), .describeContinuousBackups(.orders))
        at(346 + jitter(4), .describeContinuousBackups(.customers))
        at(395 + jitter(5), .describeTimeToLive(.sessions))
        at(428 + jitter(6), .describeTimeToLive(.orders))
        // scan 22:09–22:12: four segments side by side, 5–7 pages each.
        for segment in 0..<4 {
            var page = 540 + jitter(3)
            for p in 0..<(5 + rng.below(3)) {
                at(page, .scan(segment: segment, page: p))
                page += 15 + rng.below(10)
            }
        }
        // ledger-tamper ~22:15
        at(902, .tamper(0))
        at(921 + jitter(5), .tamper(1))
        at(944 + jitter(6), .tamper(2))
        // bulk-delete 22:20–22:24: 10 BatchWriteItem of 25 deletes, then 15 DeleteItem.
        for i in 0..<10 { at(1_203 + i * 13 + jitter(3), .batchDelete(i)) }
        for i in 0..<15 { at(1_350 + i * 6 + jitter(2), .deleteItem(i)) }
        at(27 * 60 + 14 + jitter(5), .export)
        at(30 * 60 + 21 + jitter(5), .disablePITR)
        at(33 * 60 + 5 + jitter(5), .disableStream)
    }
}
