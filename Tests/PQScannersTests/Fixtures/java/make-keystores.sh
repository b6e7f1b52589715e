#!/bin/sh
# Makes the Java keystore fixtures with the JDK's keytool. Every key is a throwaway test key made on each run;
# the store password is "changeit". Run from this folder: sh make-keystores.sh
set -eu
rm -f trust.jks keypair.jks secret.jceks pkcs12-default.jks
keytool -importcert -noprompt -storetype JKS -keystore trust.jks -storepass changeit -alias root \
    -file ../x509/rsa2048-selfsigned.pem
keytool -importcert -noprompt -storetype JKS -keystore trust.jks -storepass changeit -alias p256 \
    -file ../x509/ecdsa-p256.der
keytool -genkeypair -storetype JKS -keystore keypair.jks -storepass changeit -keypass changeit -alias server \
    -keyalg EC -groupname secp384r1 -dname "CN=throwaway.test" -validity 30
keytool -importcert -noprompt -storetype JCEKS -keystore secret.jceks -storepass changeit -alias root \
    -file ../x509/rsa2048-selfsigned.pem
keytool -genseckey -storetype JCEKS -keystore secret.jceks -storepass changeit -keypass changeit -alias zz-aes \
    -keyalg AES -keysize 256
keytool -genkeypair -keystore pkcs12-default.jks -storepass changeit -alias server -keyalg RSA -keysize 2048 \
    -dname "CN=throwaway.test" -validity 30
