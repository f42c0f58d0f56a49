# server/src/alerts: core's alert evaluation (kairos_alerts: AlertEngine, channel messages, back-off),
# the signal engine for signal rules (kairos_signals), the venues' candle codecs (kairos_marketdata),
# the alert_rule sync payload (kairos_sync), libcurl for the candles and webhook/Telegram/Discord.
find_package(CURL REQUIRED)
target_link_libraries(kairos_server PUBLIC kairos_alerts kairos_signals kairos_marketdata kairos_sync CURL::libcurl)
