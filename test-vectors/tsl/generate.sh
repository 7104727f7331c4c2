#!/usr/bin/env bash
# Regenerates the test trusted list (ETSI TS 119 612) in this directory, with the openssl CLI
# and xmlsec1 (an independent XMLDSig signer, so knik's verifier is not checked against itself).
#
#   test-vectors/tsl/generate.sh
#
# Uses the test PKI in ../pki (its root key issues the list signer; nothing there is changed).
# Each run makes new signer keys and signatures; names, dates and the list's content stay the
# same. Everything here is TEST-ONLY key material.
#
# Output:
#   tsl-signer.{key,pem}     "Test AM Trusted List Signer", EC P-384, issued by Test AM Root CA
#   impostor.{key,pem}       a self-signed signer nobody configured
#   am-tl.xml                the Armenian test list (territory AM), signed by tsl-signer
#   am-tl-impostor.xml       the same list signed by the impostor
set -euo pipefail

cd "$(dirname "$(realpath "$0")")"
PKI=../pki
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

rm -f tsl-signer.* impostor.* am-tl*.xml

# --- the list signer: issued by the test root with `openssl ca` on a throw-away database ----
mkdir -p "$TMP/db"
: > "$TMP/db/index.txt"
echo 7551 > "$TMP/db/serial"
cat > "$TMP/ca.cnf" <<EOF
[ca]
default_ca = root
[root]
database = $TMP/db/index.txt
serial = $TMP/db/serial
new_certs_dir = $TMP
certificate = $PKI/root.pem
private_key = $PKI/root.key
default_md = sha384
policy = any
unique_subject = no
copy_extensions = none
[any]
countryName = supplied
organizationName = supplied
commonName = supplied
[tsl_signer]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
# id-tsl-kp-tslSigning (ETSI TS 119 612 §5.7.1)
extendedKeyUsage = critical, 0.4.0.2231.3.0
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out tsl-signer.key 2>/dev/null
openssl req -new -key tsl-signer.key -subj "/C=AM/O=knik test PKI/CN=Test AM Trusted List Signer" \
  -out "$TMP/signer.csr"
openssl ca -batch -config "$TMP/ca.cnf" -extensions tsl_signer -notext \
  -startdate 20250101000000Z -enddate 20750101000000Z \
  -in "$TMP/signer.csr" -out tsl-signer.pem 2>/dev/null

# --- the impostor: same name style, self-signed, same validity ------------------------------
cat >> "$TMP/ca.cnf" <<EOF
[impostor]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
EOF
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out impostor.key 2>/dev/null
openssl req -new -key impostor.key -subj "/C=AM/O=knik test PKI/CN=Impostor Trusted List Signer" \
  -out "$TMP/impostor.csr"
openssl ca -batch -config "$TMP/ca.cnf" -selfsign -keyfile impostor.key -extensions impostor \
  -notext -startdate 20250101000000Z -enddate 20750101000000Z \
  -in "$TMP/impostor.csr" -out impostor.pem 2>/dev/null

# --- the list -------------------------------------------------------------------------------
b64() { openssl x509 -in "$PKI/$1.pem" -outform DER | base64 -w0; }
T=http://uri.etsi.org/TrstSvc/Svctype
S=http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus

service() { # type-uri name cert-file status-uri since [history-xml]
  cat <<EOF
      <tsl:TSPService>
        <tsl:ServiceInformation>
          <tsl:ServiceTypeIdentifier>$1</tsl:ServiceTypeIdentifier>
          <tsl:ServiceName><tsl:Name xml:lang="en">$2</tsl:Name></tsl:ServiceName>
          <tsl:ServiceDigitalIdentity>
            <tsl:DigitalId><tsl:X509Certificate>$(b64 "$3")</tsl:X509Certificate></tsl:DigitalId>
          </tsl:ServiceDigitalIdentity>
          <tsl:ServiceStatus>$4</tsl:ServiceStatus>
          <tsl:StatusStartingTime>$5</tsl:StatusStartingTime>
        </tsl:ServiceInformation>${6:-}
      </tsl:TSPService>
EOF
}

history() { # type-uri name status since
  cat <<EOF
          <tsl:ServiceHistoryInstance>
            <tsl:ServiceTypeIdentifier>$1</tsl:ServiceTypeIdentifier>
            <tsl:ServiceName><tsl:Name xml:lang="en">$2</tsl:Name></tsl:ServiceName>
            <tsl:ServiceDigitalIdentity><tsl:DigitalId><tsl:X509SubjectName>$2</tsl:X509SubjectName></tsl:DigitalId></tsl:ServiceDigitalIdentity>
            <tsl:ServiceStatus>$3</tsl:ServiceStatus>
            <tsl:StatusStartingTime>$4</tsl:StatusStartingTime>
          </tsl:ServiceHistoryInstance>
EOF
}

# Test Mobile-ID CA: granted 2019, withdrawn 2022, granted again from 2025 (a history to test).
MOBILE_HISTORY="
        <tsl:ServiceHistory>
$(history "$T/CA/QC" "Test Mobile-ID CA" "$S/withdrawn" 2022-01-01T00:00:00Z)
$(history "$T/CA/QC" "Test Mobile-ID CA" "$S/granted" 2019-01-01T00:00:00Z)
        </tsl:ServiceHistory>"

tsp() { # name services...
  local name=$1; shift
  cat <<EOF
    <tsl:TrustServiceProvider>
      <tsl:TSPInformation>
        <tsl:TSPName><tsl:Name xml:lang="en">$name</tsl:Name></tsl:TSPName>
        <tsl:TSPAddress>
          <tsl:PostalAddresses><tsl:PostalAddress xml:lang="en"><tsl:StreetAddress>1 Test Street</tsl:StreetAddress><tsl:Locality>Yerevan</tsl:Locality><tsl:CountryName>AM</tsl:CountryName></tsl:PostalAddress></tsl:PostalAddresses>
          <tsl:ElectronicAddress><tsl:URI xml:lang="en">mailto:test@example.am</tsl:URI></tsl:ElectronicAddress>
        </tsl:TSPAddress>
        <tsl:TSPInformationURI><tsl:URI xml:lang="en">https://example.am/tsp</tsl:URI></tsl:TSPInformationURI>
      </tsl:TSPInformation>
      <tsl:TSPServices>
$*
      </tsl:TSPServices>
    </tsl:TrustServiceProvider>
EOF
}

{
cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<tsl:TrustServiceStatusList xmlns:tsl="http://uri.etsi.org/02231/v2#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="TrustServiceStatusList" TSLTag="http://uri.etsi.org/19612/TSLTag">
  <tsl:SchemeInformation>
    <tsl:TSLVersionIdentifier>5</tsl:TSLVersionIdentifier>
    <tsl:TSLSequenceNumber>3</tsl:TSLSequenceNumber>
    <tsl:TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/AMgeneric</tsl:TSLType>
    <tsl:SchemeOperatorName><tsl:Name xml:lang="en">knik test scheme operator (Armenia)</tsl:Name></tsl:SchemeOperatorName>
    <tsl:SchemeName><tsl:Name xml:lang="en">AM:Test trusted list of the knik test PKI</tsl:Name></tsl:SchemeName>
    <tsl:SchemeInformationURI><tsl:URI xml:lang="en">https://example.am/tsl</tsl:URI></tsl:SchemeInformationURI>
    <tsl:StatusDeterminationApproach>http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/AMdetermination</tsl:StatusDeterminationApproach>
    <tsl:SchemeTerritory>AM</tsl:SchemeTerritory>
    <tsl:HistoricalInformationPeriod>65535</tsl:HistoricalInformationPeriod>
    <tsl:ListIssueDateTime>2026-11-01T00:00:00Z</tsl:ListIssueDateTime>
    <tsl:NextUpdate><tsl:dateTime>2075-01-01T00:00:00Z</tsl:dateTime></tsl:NextUpdate>
  </tsl:SchemeInformation>
  <tsl:TrustServiceProviderList>
EOF
tsp "Test AM eID Trust Service Provider" \
  "$(service "$T/CA/QC" "Test Citizen CA" citizen-ca "$S/granted" 2019-01-01T00:00:00Z)" \
  "$(service "$T/Certstatus/OCSP/QC" "Test Citizen CA OCSP Responder" citizen-ca-ocsp "$S/granted" 2025-01-01T00:00:00Z)" \
  "$(service "$T/CA/QC" "Test Resident CA" resident-ca "$S/granted" 2019-01-01T00:00:00Z)" \
  "$(service "$T/Certstatus/OCSP/QC" "Test Resident CA OCSP Responder" resident-ca-ocsp "$S/granted" 2025-01-01T00:00:00Z)" \
  "$(service "$T/TSA/QTST" "Test AM TSA" tsa "$S/granted" 2025-01-01T00:00:00Z)"
tsp "Test AM Mobile ID Trust Service Provider" \
  "$(service "$T/CA/QC" "Test Mobile-ID CA" mobile-id-ca "$S/granted" 2025-01-01T00:00:00Z "$MOBILE_HISTORY")" \
  "$(service "$T/Certstatus/OCSP/QC" "Test Mobile-ID CA OCSP Responder" mobile-id-ca-ocsp "$S/granted" 2025-01-01T00:00:00Z)"
cat <<EOF
  </tsl:TrustServiceProviderList>
  <ds:Signature Id="tsl-signature">
    <ds:SignedInfo>
      <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
      <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"/>
      <ds:Reference Id="tsl-reference" URI="">
        <ds:Transforms>
          <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
          <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
        </ds:Transforms>
        <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
        <ds:DigestValue/>
      </ds:Reference>
    </ds:SignedInfo>
    <ds:SignatureValue/>
    <ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo>
  </ds:Signature>
</tsl:TrustServiceStatusList>
EOF
} > "$TMP/template.xml"

xmlsec1 --sign --privkey-pem tsl-signer.key,tsl-signer.pem --output am-tl.xml "$TMP/template.xml"
xmlsec1 --sign --privkey-pem impostor.key,impostor.pem --output am-tl-impostor.xml "$TMP/template.xml"

# Self-check with xmlsec1: the list verifies with the signer's certificate (trusted via the root).
xmlsec1 --verify --trusted-pem "$PKI/root.pem" am-tl.xml 2>&1 | grep -q '^OK$'
echo "test-vectors/tsl: am-tl.xml and am-tl-impostor.xml signed and checked"
