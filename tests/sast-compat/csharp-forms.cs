class C {
    void M(string t) {
        // ruleid: csharp-named-argument
        Validate(verify: false, token: t);
        // ruleid: csharp-named-argument
        Validate(token: t, verify: false, audience: "x");
        // ok: csharp-named-argument
        Validate(token: t, verify: true);
    }
}
