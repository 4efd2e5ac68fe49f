"""ISO 4217 currencies in use as tender, with their minor units (the number of decimal places).

Source: ISO 4217 "List One: Current currency & funds code list", published by SIX Financial
Information AG as the ISO 4217 maintenance agency, dated 2026-01-01 (``list-one.xml``, read
from the copy that the PyPI package iso4217 1.16.20260101 ships). Taken from it: every code
with numeric minor units that is not marked ``IsFund``. Left out on purpose: entries whose
minor unit is "N.A." (XXX no currency, XTS testing, the precious metals XAU XAG XPT XPD, XDR,
the bond-market units XBA-XBD, XSU, XUA) and the funds codes (BOV, CHE, CHW, CLF, COU, MXV,
USN, UYI): none of them is a price or a refund. Codes withdrawn from List One (List Three:
DEM, VEF, HRK, SLL, ANG, ZWL ...) are absent, so they are refused too.

``WITHDRAWN_MINOR_UNITS`` holds those withdrawn codes (ISO 4217 "List Three: historic
denominations") for reading only: an order placed in kuna before 2023 is still in the database,
and its page must show it. List Three names the code and its withdrawal date but not its minor
unit, so each entry carries the minor unit the code had in List One while it was current. It
covers the withdrawals since the euro changeover of 2002 (and the codes replaced since), which
is as far back as any platform's order history reaches. Nothing may be written in these codes.

Babel (CLDR) disagrees with this list for some codes (IQD 0 vs 3; RSD, LAK, LBP, MGA, MMK, SOS,
SYP, YER, ALL, AFN, IRR, KPW 0 vs 2) because CLDR records the digits people show in practice;
money is kept and exchanged with platforms at the ISO precision, so this table decides and Babel
only formats. When ISO publishes a new list, update the table and PUBLISHED together.
"""

PUBLISHED = "2026-01-01"

ISO_4217_MINOR_UNITS: dict[str, int] = {
    "AED": 2,  # UAE Dirham
    "AFN": 2,  # Afghani
    "ALL": 2,  # Lek
    "AMD": 2,  # Armenian Dram
    "AOA": 2,  # Kwanza
    "ARS": 2,  # Argentine Peso
    "AUD": 2,  # Australian Dollar
    "AWG": 2,  # Aruban Florin
    "AZN": 2,  # Azerbaijan Manat
    "BAM": 2,  # Convertible Mark
    "BBD": 2,  # Barbados Dollar
    "BDT": 2,  # Taka
    "BHD": 3,  # Bahraini Dinar
    "BIF": 0,  # Burundi Franc
    "BMD": 2,  # Bermudian Dollar
    "BND": 2,  # Brunei Dollar
    "BOB": 2,  # Boliviano
    "BRL": 2,  # Brazilian Real
    "BSD": 2,  # Bahamian Dollar
    "BTN": 2,  # Ngultrum
    "BWP": 2,  # Pula
    "BYN": 2,  # Belarusian Ruble
    "BZD": 2,  # Belize Dollar
    "CAD": 2,  # Canadian Dollar
    "CDF": 2,  # Congolese Franc
    "CHF": 2,  # Swiss Franc
    "CLP": 0,  # Chilean Peso
    "CNY": 2,  # Yuan Renminbi
    "COP": 2,  # Colombian Peso
    "CRC": 2,  # Costa Rican Colon
    "CUP": 2,  # Cuban Peso
    "CVE": 2,  # Cabo Verde Escudo
    "CZK": 2,  # Czech Koruna
    "DJF": 0,  # Djibouti Franc
    "DKK": 2,  # Danish Krone
    "DOP": 2,  # Dominican Peso
    "DZD": 2,  # Algerian Dinar
    "EGP": 2,  # Egyptian Pound
    "ERN": 2,  # Nakfa
    "ETB": 2,  # Ethiopian Birr
    "EUR": 2,  # Euro
    "FJD": 2,  # Fiji Dollar
    "FKP": 2,  # Falkland Islands Pound
    "GBP": 2,  # Pound Sterling
    "GEL": 2,  # Lari
    "GHS": 2,  # Ghana Cedi
    "GIP": 2,  # Gibraltar Pound
    "GMD": 2,  # Dalasi
    "GNF": 0,  # Guinean Franc
    "GTQ": 2,  # Quetzal
    "GYD": 2,  # Guyana Dollar
    "HKD": 2,  # Hong Kong Dollar
    "HNL": 2,  # Lempira
    "HTG": 2,  # Gourde
    "HUF": 2,  # Forint
    "IDR": 2,  # Rupiah
    "ILS": 2,  # New Israeli Sheqel
    "INR": 2,  # Indian Rupee
    "IQD": 3,  # Iraqi Dinar
    "IRR": 2,  # Iranian Rial
    "ISK": 0,  # Iceland Krona
    "JMD": 2,  # Jamaican Dollar
    "JOD": 3,  # Jordanian Dinar
    "JPY": 0,  # Yen
    "KES": 2,  # Kenyan Shilling
    "KGS": 2,  # Som
    "KHR": 2,  # Riel
    "KMF": 0,  # Comorian Franc
    "KPW": 2,  # North Korean Won
    "KRW": 0,  # Won
    "KWD": 3,  # Kuwaiti Dinar
    "KYD": 2,  # Cayman Islands Dollar
    "KZT": 2,  # Tenge
    "LAK": 2,  # Lao Kip
    "LBP": 2,  # Lebanese Pound
    "LKR": 2,  # Sri Lanka Rupee
    "LRD": 2,  # Liberian Dollar
    "LSL": 2,  # Loti
    "LYD": 3,  # Libyan Dinar
    "MAD": 2,  # Moroccan Dirham
    "MDL": 2,  # Moldovan Leu
    "MGA": 2,  # Malagasy Ariary
    "MKD": 2,  # Denar
    "MMK": 2,  # Kyat
    "MNT": 2,  # Tugrik
    "MOP": 2,  # Pataca
    "MRU": 2,  # Ouguiya
    "MUR": 2,  # Mauritius Rupee
    "MVR": 2,  # Rufiyaa
    "MWK": 2,  # Malawi Kwacha
    "MXN": 2,  # Mexican Peso
    "MYR": 2,  # Malaysian Ringgit
    "MZN": 2,  # Mozambique Metical
    "NAD": 2,  # Namibia Dollar
    "NGN": 2,  # Naira
    "NIO": 2,  # Cordoba Oro
    "NOK": 2,  # Norwegian Krone
    "NPR": 2,  # Nepalese Rupee
    "NZD": 2,  # New Zealand Dollar
    "OMR": 3,  # Rial Omani
    "PAB": 2,  # Balboa
    "PEN": 2,  # Sol
    "PGK": 2,  # Kina
    "PHP": 2,  # Philippine Peso
    "PKR": 2,  # Pakistan Rupee
    "PLN": 2,  # Zloty
    "PYG": 0,  # Guarani
    "QAR": 2,  # Qatari Rial
    "RON": 2,  # Romanian Leu
    "RSD": 2,  # Serbian Dinar
    "RUB": 2,  # Russian Ruble
    "RWF": 0,  # Rwanda Franc
    "SAR": 2,  # Saudi Riyal
    "SBD": 2,  # Solomon Islands Dollar
    "SCR": 2,  # Seychelles Rupee
    "SDG": 2,  # Sudanese Pound
    "SEK": 2,  # Swedish Krona
    "SGD": 2,  # Singapore Dollar
    "SHP": 2,  # Saint Helena Pound
    "SLE": 2,  # Leone
    "SOS": 2,  # Somali Shilling
    "SRD": 2,  # Surinam Dollar
    "SSP": 2,  # South Sudanese Pound
    "STN": 2,  # Dobra
    "SVC": 2,  # El Salvador Colon
    "SYP": 2,  # Syrian Pound
    "SZL": 2,  # Lilangeni
    "THB": 2,  # Baht
    "TJS": 2,  # Somoni
    "TMT": 2,  # Turkmenistan New Manat
    "TND": 3,  # Tunisian Dinar
    "TOP": 2,  # Pa’anga
    "TRY": 2,  # Turkish Lira
    "TTD": 2,  # Trinidad and Tobago Dollar
    "TWD": 2,  # New Taiwan Dollar
    "TZS": 2,  # Tanzanian Shilling
    "UAH": 2,  # Hryvnia
    "UGX": 0,  # Uganda Shilling
    "USD": 2,  # US Dollar
    "UYU": 2,  # Peso Uruguayo
    "UYW": 4,  # Unidad Previsional
    "UZS": 2,  # Uzbekistan Sum
    "VED": 2,  # Bolívar Soberano
    "VES": 2,  # Bolívar Soberano
    "VND": 0,  # Dong
    "VUV": 0,  # Vatu
    "WST": 2,  # Tala
    "XAD": 2,  # Arab Accounting Dinar
    "XAF": 0,  # CFA Franc BEAC
    "XCD": 2,  # East Caribbean Dollar
    "XCG": 2,  # Caribbean Guilder
    "XOF": 0,  # CFA Franc BCEAO
    "XPF": 0,  # CFP Franc
    "YER": 2,  # Yemeni Rial
    "ZAR": 2,  # Rand
    "ZMW": 2,  # Zambian Kwacha
    "ZWG": 2,  # Zimbabwe Gold
}


# Read-only: codes withdrawn from List One (ISO 4217 List Three), with the minor unit each had
# while it was current. Ordered by code; the comment gives the name and the year of withdrawal.
WITHDRAWN_MINOR_UNITS: dict[str, int] = {
    "ADP": 0,  # Andorran Peseta, 2003
    "AFA": 2,  # Afghani, 2003 (AFN)
    "ANG": 2,  # Netherlands Antillean Guilder, 2025 (XCG)
    "ATS": 2,  # Schilling, 2002 (EUR)
    "AZM": 2,  # Azerbaijanian Manat, 2006 (AZN)
    "BEF": 0,  # Belgian Franc, 2002 (EUR)
    "BGL": 2,  # Lev, 2003 (BGN)
    "BGN": 2,  # Bulgarian Lev, 2026 (EUR)
    "BYR": 0,  # Belarusian Ruble, 2017 (BYN)
    "CSD": 2,  # Serbian Dinar, 2006 (RSD)
    "CUC": 2,  # Peso Convertible, 2022
    "CYP": 2,  # Cyprus Pound, 2008 (EUR)
    "DEM": 2,  # Deutsche Mark, 2002 (EUR)
    "EEK": 2,  # Kroon, 2011 (EUR)
    "ESP": 0,  # Spanish Peseta, 2002 (EUR)
    "FIM": 2,  # Markka, 2002 (EUR)
    "FRF": 2,  # French Franc, 2002 (EUR)
    "GHC": 2,  # Cedi, 2008 (GHS)
    "GRD": 0,  # Drachma, 2002 (EUR)
    "HRK": 2,  # Kuna, 2023 (EUR)
    "IEP": 2,  # Irish Pound, 2002 (EUR)
    "ITL": 0,  # Italian Lira, 2002 (EUR)
    "LTL": 2,  # Lithuanian Litas, 2015 (EUR)
    "LUF": 0,  # Luxembourg Franc, 2002 (EUR)
    "LVL": 2,  # Latvian Lats, 2014 (EUR)
    "MGF": 0,  # Malagasy Franc, 2004 (MGA)
    "MRO": 2,  # Ouguiya, 2018 (MRU)
    "MTL": 2,  # Maltese Lira, 2008 (EUR)
    "MZM": 2,  # Mozambique Metical, 2006 (MZN)
    "NLG": 2,  # Netherlands Guilder, 2002 (EUR)
    "PTE": 0,  # Portuguese Escudo, 2002 (EUR)
    "ROL": 2,  # Leu, 2005 (RON)
    "RUR": 2,  # Russian Ruble, 2004 (RUB)
    "SDD": 2,  # Sudanese Dinar, 2007 (SDG)
    "SIT": 2,  # Tolar, 2007 (EUR)
    "SKK": 2,  # Slovak Koruna, 2009 (EUR)
    "SLL": 2,  # Leone, 2023 (SLE)
    "SRG": 2,  # Surinam Guilder, 2004 (SRD)
    "STD": 2,  # Dobra, 2018 (STN)
    "TMM": 2,  # Turkmenistan Manat, 2009 (TMT)
    "TPE": 0,  # Timor Escudo, 2002 (USD)
    "TRL": 0,  # Old Turkish Lira, 2005 (TRY)
    "VEB": 2,  # Bolivar, 2008 (VEF)
    "VEF": 2,  # Bolivar Fuerte, 2018 (VES)
    "YUM": 2,  # New Dinar, 2003 (CSD)
    "ZMK": 2,  # Zambian Kwacha, 2013 (ZMW)
    "ZWD": 2,  # Zimbabwe Dollar, 2008 (ZWN)
    "ZWL": 2,  # Zimbabwe Dollar, 2024 (ZWG)
    "ZWN": 2,  # Zimbabwe Dollar, 2008 (ZWR)
    "ZWR": 2,  # Zimbabwe Dollar, 2009
}
