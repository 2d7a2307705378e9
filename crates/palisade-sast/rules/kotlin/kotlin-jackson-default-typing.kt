import com.fasterxml.jackson.databind.ObjectMapper

fun mapper(): ObjectMapper {
    val m = ObjectMapper()
    // ruleid: kotlin-jackson-default-typing
    m.enableDefaultTyping()
    // ok: kotlin-jackson-default-typing
    m.registerSubtypes(Cat::class.java, Dog::class.java)
    return m
}
