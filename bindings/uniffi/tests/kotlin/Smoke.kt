// The generated Kotlin bindings, used the way an Android app uses them, on the JVM with JNA:
// a CardChannel written in Kotlin (here a socket to knik-card-sim with vsmartcard's framing;
// on a phone, IsoDep.transceive), a PinEntry, the card read and a digest signed over it, a
// container verified, and a typed KnikException with the Rust code.
//
//   java -cp smoke.jar:jna.jar -Djna.library.path=DIR SmokeKt CARD_SIM CARD_TOML ROOT_PEM
// Exits 0 when every check holds; prints what failed otherwise.

import am.knik.*
import java.io.DataInputStream
import java.io.DataOutputStream
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import java.security.MessageDigest
import kotlin.system.exitProcess

class VpcdChannel(cardSim: String, cardToml: String) : CardChannel, AutoCloseable {
    private val server = ServerSocket(0, 1, InetAddress.getLoopbackAddress())
    private val process = ProcessBuilder(
        cardSim, "--card", cardToml, "--port", server.localPort.toString(), "--quiet"
    ).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
    private val socket: Socket
    private val input: DataInputStream
    private val output: DataOutputStream
    private val cardAtr: ByteArray
    var commands = 0
        private set

    init {
        server.soTimeout = 20_000
        socket = server.accept()
        socket.tcpNoDelay = true
        input = DataInputStream(socket.getInputStream())
        output = DataOutputStream(socket.getOutputStream())
        send(byteArrayOf(0x01)) // power on
        cardAtr = exchange(byteArrayOf(0x04))
    }

    private fun send(payload: ByteArray) {
        output.writeShort(payload.size)
        output.write(payload)
        output.flush()
    }

    private fun exchange(payload: ByteArray): ByteArray {
        send(payload)
        val length = input.readUnsignedShort()
        return ByteArray(length).also { input.readFully(it) }
    }

    override fun transmit(command: ByteArray): ByteArray {
        commands++
        return try {
            exchange(command)
        } catch (e: java.io.IOException) {
            throw ChannelException.TagLost()
        }
    }

    override fun atr(): ByteArray = cardAtr
    override fun extendedLength(): Boolean = false

    override fun close() {
        socket.close()
        server.close()
        process.waitFor()
    }
}

class FixedPin(private val pin: String) : PinEntry {
    val asked = mutableListOf<PinRequest>()
    override fun pin(request: PinRequest): String? {
        asked.add(request)
        return pin
    }
}

val failures = mutableListOf<String>()

fun check(what: String, ok: Boolean) {
    println((if (ok) "ok   " else "FAIL ") + what)
    if (!ok) failures.add(what)
}

fun main(args: Array<String>) {
    val (cardSim, cardToml, rootPem) = args
    check("version ${version()}", version().isNotEmpty())

    VpcdChannel(cardSim, cardToml).use { channel ->
        val card = CardSession.open(channel)
        val holder = card.holder()
        check("holder ${holder.surname} ${holder.givenName} ${holder.personalNumber}",
            holder.personalNumber == "2810770123" && holder.documentKind == "citizen-id-card")
        check("APDUs went through the Kotlin channel (${channel.commands})", channel.commands > 0)

        val digest = MessageDigest.getInstance("SHA-384").digest("kotlin".toByteArray())
        val pins = FixedPin("12345")
        val signature = card.signDigest(HashAlgorithm.SHA384, digest, pins)
        check("PIN2 asked once with the tries left", pins.asked.size == 1 &&
            pins.asked[0].kind == PinKind.PIN2 && pins.asked[0].retriesLeft == 3u)
        check("P-384 signature is 96 bytes", signature.size == 96)

        try {
            card.verifyPin(PinKind.PIN1, FixedPin("0000"))
            check("wrong PIN1 throws", false)
        } catch (e: KnikException.WrongPin) {
            check("wrong PIN1 is KnikException.WrongPin ${e.code}, ${e.retriesLeft} left",
                e.code == "CARD_WRONG_PIN" && e.retriesLeft == 2u)
        }
        card.verifyPin(PinKind.PIN1, FixedPin("1234"))
    }

    val trust = TrustSettings(
        anchors = listOf(java.io.File(rootPem).readBytes()), intermediates = listOf(),
        validationTime = null
    )
    val report = verifyContainerBytes("not a zip".toByteArray(), trust)
    check("garbage is INVALID with ZIP_NOT_ZIP", report.verdict == Verdict.INVALID &&
        "ZIP_NOT_ZIP" in report.codes)
    try {
        verifyContainer("/nonexistent/x.asice", trust)
        check("a missing file throws", false)
    } catch (e: KnikException.Io) {
        check("a missing file is KnikException.Io ${e.code}", e.code == "IO")
    }

    if (failures.isNotEmpty()) {
        println("${failures.size} check(s) failed")
        exitProcess(1)
    }
}
