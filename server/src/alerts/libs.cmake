# server/src/alerts: core's alert evaluation (kairos_alerts: AlertEngine, channel messages, back-off)
# and the alert_rule sync payload (kairos_sync), libcurl for Binance klines and webhook/Telegram/Discord.
find_package(CURL REQUIRED)
target_link_libraries(kairos_server PUBLIC kairos_alerts kairos_sync CURL::libcurl)
