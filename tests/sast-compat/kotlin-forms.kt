fun find(st: Statement, name: String) {
    // ruleid: kotlin-template-metavariable
    st.executeQuery("SELECT * FROM users WHERE name = '${name}'")
    // ok: kotlin-template-metavariable
    st.executeQuery("SELECT * FROM users")
}

fun cookies() {
    // ruleid: kotlin-named-argument
    Cookie(secure = false, name = "sid", value = v)
    // ruleid: kotlin-named-argument
    Cookie(name = "sid", secure = false)
    // ok: kotlin-named-argument
    Cookie(name = "sid", secure = true)
}
