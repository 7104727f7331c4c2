#!/bin/sh
# A scripted pinentry for the native host's tests: it speaks enough of the Assuan protocol for
# GETPIN (the PIN dialog) and CONFIRM (the consent dialog), and takes its answers from the
# environment, one per dialog, across the separate pinentry processes of one host run.
#
#   KNIK_TEST_PINENTRY_ANSWERS  space-separated answers, used in order, one per GETPIN or
#                               CONFIRM: a PIN (digits) for GETPIN, "ok" for CONFIRM, "cancel"
#                               for either (ERR 83886179 Operation cancelled). When the list is
#                               used up every dialog is cancelled, so a host never waits.
#   KNIK_TEST_PINENTRY_STATE    file holding how many answers were used (created if missing).
#   KNIK_TEST_PINENTRY_LOG      file that receives every command line received. A pinentry never
#                               receives a PIN (it sends one), so the log is free of PINs.
state=${KNIK_TEST_PINENTRY_STATE:?}
log=${KNIK_TEST_PINENTRY_LOG:-/dev/null}

next_answer() {
    used=$(cat "$state" 2>/dev/null || echo 0)
    echo $((used + 1)) > "$state"
    # shellcheck disable=SC2086
    set -- $KNIK_TEST_PINENTRY_ANSWERS
    if [ "$used" -lt $# ]; then
        shift "$used"
        answer=$1
    else
        answer=cancel
    fi
}

echo "OK Pleased to meet you"
while IFS= read -r line; do
    printf '%s\n' "$line" >> "$log"
    case "$line" in
    GETPIN | CONFIRM)
        next_answer
        case "$answer" in
        cancel) echo "ERR 83886179 Operation cancelled <Pinentry>" ;;
        ok) echo "OK" ;;
        *)
            echo "D $answer"
            echo "OK"
            ;;
        esac
        ;;
    BYE)
        echo "OK closing connection"
        exit 0
        ;;
    *) echo "OK" ;;
    esac
done
