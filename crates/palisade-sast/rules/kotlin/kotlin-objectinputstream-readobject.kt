import java.io.*

fun bad(input: InputStream): Any? {
    val ois = ObjectInputStream(input)
    // ruleid: kotlin-objectinputstream-readobject
    return ois.readObject()
}

fun good(input: InputStream): Any? {
    val ois = ObjectInputStream(input)
    ois.setObjectInputFilter(ObjectInputFilter.Config.createFilter("com.example.dto.*;!*"))
    // ok: kotlin-objectinputstream-readobject
    return ois.readObject()
}
