"""Captions of the line items and notes concepts, in Dutch (the UI's and the filed
documents' language) and English, keyed by the concept's local name.

One place for the reporting cockpit (clientside) and the rendering (kvk.render). The
official NT19 label linkbases were not read (the extract in kvk/nt19 says so: it holds
definitions, presentations and declarations, no labels), so these are our own captions
in the wording of Title 9 Book 2 BW (the model of the balance sheet and profit and loss),
not the taxonomy's labels. Besides the line items and notes they cover the entity,
address, document and signing concepts the rendering shows, the headings of the
presentation trees and the rendered document's fixed texts. tests/kvk/test_concepts.py
checks that every line item of every buildable variant (kvk.taxonomy.line_items) has a
caption in both languages and that every key is a concept of the extract.
"""

from __future__ import annotations

from types import MappingProxyType

LABELS_NL = MappingProxyType(
    {
        # --- balance sheet: micro (art. 2:395a BW, abbreviated) ---------------------------
        "CostsIncorporationShareIssue": "Kosten van oprichting en uitgifte van aandelen",
        "AssetsNoncurrentOther": "Vaste activa",
        "AssetsNoncurrent": "Totaal vaste activa",
        "CalledUpShareCapital": "Opgevraagde stortingen op geplaatst kapitaal",
        "AssetsCurrentOther": "Vlottende activa",
        "AssetsCurrent": "Totaal vlottende activa",
        "Assets": "Totaal activa",
        "Equity": "Eigen vermogen",
        "Provisions": "Voorzieningen",
        "LiabilitiesMaturityExceedingOneYear": "Schulden met een looptijd langer dan een jaar",
        "LiabilitiesMaturityLessThanOneYear": "Schulden met een looptijd korter dan een jaar",
        "Liabilities": "Totaal schulden",
        "EquityAndLiabilities": "Totaal passiva",
        # --- balance sheet: klein ---------------------------------------------------------
        "IntangibleAssets": "Immateriële vaste activa",
        "PropertyPlantEquipment": "Materiële vaste activa",
        "InvestmentProperties": "Vastgoedbeleggingen",
        "FinancialAssets": "Financiële vaste activa",
        "Inventories": "Voorraden",
        "ConstructionContractsAssets": "Onderhanden projecten",
        "Receivables": "Vorderingen",
        "SecuritiesCurrent": "Effecten",
        "CashAndCashEquivalents": "Liquide middelen",
        "ShareCapitalPaidCalledUp": "Gestort en opgevraagd kapitaal",
        "SharePremium": "Agioreserve",
        "RevaluationReserve": "Herwaarderingsreserve",
        "LegalReserves": "Wettelijke reserves",
        "StatutoryReserves": "Statutaire reserves",
        "OtherFiscalReserves": "Overige fiscale reserves",
        "ReservesOther": "Overige reserves",
        "ResultForTheYear": "Onverdeeld resultaat",
        "RetainedEarnings": "Ingehouden winsten",
        "LiabilitiesNoncurrent": "Langlopende schulden",
        "LiabilitiesCurrent": "Kortlopende schulden",
        # --- profit and loss: micro -------------------------------------------------------
        "Income": "Totaal opbrengsten",
        "NetRevenue": "Netto-omzet",
        "OperatingIncomeOther": "Overige bedrijfsopbrengsten",
        "IncomeOther": "Overige opbrengsten",
        "Expenses": "Totaal kosten",
        "CostsRawMaterialsConsumables": "Kosten van grond- en hulpstoffen",
        "WagesSalaries": "Lonen en salarissen",
        "DepreciationAmortisationAndDecreaseInValueAssets": (
            "Afschrijvingen en waardeverminderingen"
        ),
        "OperatingExpensesOther": "Overige bedrijfskosten",
        "ExpensesOther": "Overige kosten",
        "ResultBeforeTax": "Resultaat vóór belastingen",
        "IncomeTaxExpense": "Belastingen",
        "ResultAfterTax": "Resultaat na belastingen",
        # --- profit and loss: klein (from the gross margin, art. 2:397 BW) ----------------
        "GrossMargin": "Brutomarge",
        "SellingExpenses": "Verkoopkosten",
        "GeneralAdministrativeExpenses": "Algemene beheerskosten",
        "EmployeeBenefitsExpenses": "Personeelskosten",
        "DepreciationPropertyPlantEquipmentAmortisationIntangibleAssets": (
            "Afschrijvingen op immateriële en materiële vaste activa"
        ),
        "ChangesInValueIntangibleAssetsPropertyPlantEquipment": (
            "Waardeveranderingen van immateriële en materiële vaste activa"
        ),
        "ChangesValueInvestmentProperties": "Waardeveranderingen van vastgoedbeleggingen",
        "ImpairmentCurrentAssets": "Bijzondere waardevermindering van vlottende activa",
        "SumOfExpenses": "Som der kosten",
        "OperatingResult": "Bedrijfsresultaat",
        "RevaluationReserveRelease": "Vrijval herwaarderingsreserve",
        "FinancialIncomeExpenses": "Financiële baten en lasten",
        "IncomeTaxExpenseOther": "Overige belastingen",
        "ShareInResultsParticipatingInterests": "Aandeel in het resultaat van deelnemingen",
        # --- notes: micro (art. 2:395a BW) ------------------------------------------------
        "AdditionalInformationToArticle395aDisclosure": (
            "Toelichting (art. 2:395a BW, micro-entiteit)"
        ),
        "ShareCapitalTreasurySharesPurchaseSaleDescription": (
            "Verkrijging en vervreemding van eigen aandelen"
        ),
        "LiabilitiesDisclosure": "Niet in de balans opgenomen verplichtingen en zekerheden",
        "IncomeTaxFiscalAdjustmentsPriorYearsDisclosure": (
            "Fiscale correcties over voorgaande jaren"
        ),
        "PillarTwoDeferredTaxAssetsLiabilitiesDescription": (
            "Pijler 2: latente belastingvorderingen en -verplichtingen"
        ),
        "PillarTwoTaxExpenseBenefitDescription": "Pijler 2: belastinglast of -bate",
        "PillarTwoMethodDescription": "Pijler 2: gehanteerde methode",
        "PillarTwoExpectedEffectsDescription": "Pijler 2: verwachte gevolgen",
        "IndicationNoAccruedAssetsLiabilitiesAreRecorded": (
            "Vermelding dat geen overlopende activa en passiva zijn opgenomen"
        ),
        # --- notes: klein (general notes, general accounting principles) -----------------
        "MostImportantActivitiesEntityDescription": "Belangrijkste activiteiten",
        "LocationActualActivitiesDescription": "Vestigingsplaats van de feitelijke activiteiten",
        "FunctionalCurrencyDescription": "Functionele valuta",
        "NoChangesInAccountingPoliciesDescription": (
            "Geen wijzigingen in de grondslagen voor waardering en resultaatbepaling"
        ),
        "FairValueInformationWhenPreparedOnHistoricalCostBasisDisclosure": (
            "Informatie over de reële waarde bij waardering tegen historische kosten"
        ),
        "ForeignCurrencyTranslationDifferencePresentationFunctionalCurrencyDescription": (
            "Verschil tussen presentatievaluta en functionele valuta"
        ),
        "ForeignCurrencyTranslationChangePresentationCurrencyDescription": (
            "Wijziging van de presentatievaluta"
        ),
        "DeviationPriorPeriodFiguresDueToRevisionDisclosure": (
            "Afwijking van de vergelijkende cijfers door herziening"
        ),
        "DeterminationCostPriceIndirectCostsDescription": (
            "Bepaling van de kostprijs: opgenomen indirecte kosten"
        ),
        "DifferenceFiscalCommercialAccountingPrinciplesDisclosure": (
            "Verschil tussen fiscale en commerciële grondslagen"
        ),
        "AccountingStandardsAppliedEarlierDescription": "Eerder toegepaste verslaggevingsregels",
        "AccountingStandardsUsedToPrepareFinancialStatementsDescription": (
            "Grondslagen voor de opstelling van de jaarrekening"
        ),
        # --- entity, address, document and signing (what kvk.render shows) ---------------
        "LegalEntityName": "Naam",
        "LegalEntityLegalForm": "Rechtsvorm",
        "LegalEntityRegisteredOffice": "Statutaire zetel",
        "ChamberOfCommerceRegistrationNumber": "KvK-nummer",
        "LegalSizeCriteriaClassificationMicro": "Omvang",
        "LegalSizeCriteriaClassificationSmall": "Omvang",
        "StreetNameNL": "Straat",
        "HouseNumberNL": "Huisnummer",
        "HouseNumberAddition": "Toevoeging",
        "PostalCodeNL": "Postcode",
        "PlaceOfResidenceNL": "Plaats",
        "EmailAddressFull": "E-mailadres",
        "FinancialReportingPeriodCurrentStartDate": "Begin boekjaar",
        "FinancialReportingPeriodCurrentEndDate": "Einde boekjaar",
        "FinancialReportingPeriodPreviousStartDate": "Begin vorig boekjaar",
        "FinancialReportingPeriodPreviousEndDate": "Einde vorig boekjaar",
        "FinancialReportingPeriodDifferentThanAnnualReasonDescription": (
            "Reden waarom het boekjaar geen twaalf maanden beslaat"
        ),
        "FinancialReportingPeriodDifferentThanAnnualImpactComparativesDescription": (
            "Gevolgen voor de vergelijkende cijfers"
        ),
        "FinancialStatementsDateOfPreparation": "Opgemaakt op",
        "DocumentAdoptionStatus": "Jaarrekening vastgesteld",
        "DocumentAdoptionDate": "Vastgesteld op",
        "DocumentResubmissionDueToUnsurmountableInaccuracies": (
            "Heraanlevering wegens onoverkomelijke onjuistheden"
        ),
        "DocumentResubmissionDueToUnsurmountableInaccuraciesExplanation": (
            "Toelichting op de heraanlevering"
        ),
        "BalanceSheetBeforeAfterAppropriationResults": "Balans vóór of na resultaatbestemming",
        "DirectorType": "Functie",
        "LegalEntityNameManagingSupervisoryDirector": "Naam",
        "SignatureManagingSupervisoryDirectorsLocation": "Plaats van ondertekening",
        "SignatureManagingSupervisoryDirectorsDate": "Datum van ondertekening",
        "DirectorSignedStatus": "Ondertekend",
        "DirectorReasonNoSignature": "Reden van niet ondertekenen",
    }
)

LABELS_EN = MappingProxyType(
    {
        "CostsIncorporationShareIssue": "Costs of incorporation and share issue",
        "AssetsNoncurrentOther": "Fixed assets",
        "AssetsNoncurrent": "Total fixed assets",
        "CalledUpShareCapital": "Called-up share capital not paid",
        "AssetsCurrentOther": "Current assets",
        "AssetsCurrent": "Total current assets",
        "Assets": "Total assets",
        "Equity": "Equity",
        "Provisions": "Provisions",
        "LiabilitiesMaturityExceedingOneYear": "Liabilities due after more than one year",
        "LiabilitiesMaturityLessThanOneYear": "Liabilities due within one year",
        "Liabilities": "Total liabilities",
        "EquityAndLiabilities": "Total equity and liabilities",
        "IntangibleAssets": "Intangible assets",
        "PropertyPlantEquipment": "Property, plant and equipment",
        "InvestmentProperties": "Investment properties",
        "FinancialAssets": "Financial fixed assets",
        "Inventories": "Inventories",
        "ConstructionContractsAssets": "Construction contracts",
        "Receivables": "Receivables",
        "SecuritiesCurrent": "Securities",
        "CashAndCashEquivalents": "Cash and cash equivalents",
        "ShareCapitalPaidCalledUp": "Paid-up and called-up share capital",
        "SharePremium": "Share premium",
        "RevaluationReserve": "Revaluation reserve",
        "LegalReserves": "Legal reserves",
        "StatutoryReserves": "Statutory reserves",
        "OtherFiscalReserves": "Other fiscal reserves",
        "ReservesOther": "Other reserves",
        "ResultForTheYear": "Result for the year",
        "RetainedEarnings": "Retained earnings",
        "LiabilitiesNoncurrent": "Non-current liabilities",
        "LiabilitiesCurrent": "Current liabilities",
        "Income": "Total income",
        "NetRevenue": "Net revenue",
        "OperatingIncomeOther": "Other operating income",
        "IncomeOther": "Other income",
        "Expenses": "Total expenses",
        "CostsRawMaterialsConsumables": "Raw materials and consumables",
        "WagesSalaries": "Wages and salaries",
        "DepreciationAmortisationAndDecreaseInValueAssets": (
            "Depreciation, amortisation and impairment"
        ),
        "OperatingExpensesOther": "Other operating expenses",
        "ExpensesOther": "Other expenses",
        "ResultBeforeTax": "Result before tax",
        "IncomeTaxExpense": "Income tax",
        "ResultAfterTax": "Result after tax",
        "GrossMargin": "Gross margin",
        "SellingExpenses": "Selling expenses",
        "GeneralAdministrativeExpenses": "General and administrative expenses",
        "EmployeeBenefitsExpenses": "Employee benefits expenses",
        "DepreciationPropertyPlantEquipmentAmortisationIntangibleAssets": (
            "Depreciation of property, plant and equipment and amortisation of intangibles"
        ),
        "ChangesInValueIntangibleAssetsPropertyPlantEquipment": (
            "Changes in value of intangible assets and property, plant and equipment"
        ),
        "ChangesValueInvestmentProperties": "Changes in value of investment properties",
        "ImpairmentCurrentAssets": "Impairment of current assets",
        "SumOfExpenses": "Total expenses",
        "OperatingResult": "Operating result",
        "RevaluationReserveRelease": "Release of revaluation reserve",
        "FinancialIncomeExpenses": "Financial income and expenses",
        "IncomeTaxExpenseOther": "Other taxes",
        "ShareInResultsParticipatingInterests": "Share in results of participating interests",
        "AdditionalInformationToArticle395aDisclosure": (
            "Notes (article 2:395a Dutch Civil Code, micro entity)"
        ),
        "ShareCapitalTreasurySharesPurchaseSaleDescription": (
            "Purchase and sale of treasury shares"
        ),
        "LiabilitiesDisclosure": "Off-balance-sheet commitments and guarantees",
        "IncomeTaxFiscalAdjustmentsPriorYearsDisclosure": "Tax adjustments for prior years",
        "PillarTwoDeferredTaxAssetsLiabilitiesDescription": (
            "Pillar Two: deferred tax assets and liabilities"
        ),
        "PillarTwoTaxExpenseBenefitDescription": "Pillar Two: tax expense or benefit",
        "PillarTwoMethodDescription": "Pillar Two: method applied",
        "PillarTwoExpectedEffectsDescription": "Pillar Two: expected effects",
        "IndicationNoAccruedAssetsLiabilitiesAreRecorded": (
            "Statement that no accrued assets and liabilities are recorded"
        ),
        "MostImportantActivitiesEntityDescription": "Principal activities",
        "LocationActualActivitiesDescription": "Location of the actual activities",
        "FunctionalCurrencyDescription": "Functional currency",
        "NoChangesInAccountingPoliciesDescription": "No changes in accounting policies",
        "FairValueInformationWhenPreparedOnHistoricalCostBasisDisclosure": (
            "Fair value information when measured at historical cost"
        ),
        "ForeignCurrencyTranslationDifferencePresentationFunctionalCurrencyDescription": (
            "Difference between presentation and functional currency"
        ),
        "ForeignCurrencyTranslationChangePresentationCurrencyDescription": (
            "Change of presentation currency"
        ),
        "DeviationPriorPeriodFiguresDueToRevisionDisclosure": (
            "Deviation of comparative figures due to revision"
        ),
        "DeterminationCostPriceIndirectCostsDescription": (
            "Determination of cost price: indirect costs included"
        ),
        "DifferenceFiscalCommercialAccountingPrinciplesDisclosure": (
            "Difference between fiscal and commercial accounting principles"
        ),
        "AccountingStandardsAppliedEarlierDescription": "Accounting standards applied earlier",
        "AccountingStandardsUsedToPrepareFinancialStatementsDescription": (
            "Accounting standards used to prepare the financial statements"
        ),
        "LegalEntityName": "Name",
        "LegalEntityLegalForm": "Legal form",
        "LegalEntityRegisteredOffice": "Registered office",
        "ChamberOfCommerceRegistrationNumber": "Chamber of Commerce number",
        "LegalSizeCriteriaClassificationMicro": "Size class",
        "LegalSizeCriteriaClassificationSmall": "Size class",
        "StreetNameNL": "Street",
        "HouseNumberNL": "House number",
        "HouseNumberAddition": "Addition",
        "PostalCodeNL": "Postal code",
        "PlaceOfResidenceNL": "Place",
        "EmailAddressFull": "Email address",
        "FinancialReportingPeriodCurrentStartDate": "Start of the financial year",
        "FinancialReportingPeriodCurrentEndDate": "End of the financial year",
        "FinancialReportingPeriodPreviousStartDate": "Start of the previous financial year",
        "FinancialReportingPeriodPreviousEndDate": "End of the previous financial year",
        "FinancialReportingPeriodDifferentThanAnnualReasonDescription": (
            "Why the financial year is not twelve months"
        ),
        "FinancialReportingPeriodDifferentThanAnnualImpactComparativesDescription": (
            "Impact on the comparative figures"
        ),
        "FinancialStatementsDateOfPreparation": "Prepared on",
        "DocumentAdoptionStatus": "Financial statements adopted",
        "DocumentAdoptionDate": "Adopted on",
        "DocumentResubmissionDueToUnsurmountableInaccuracies": (
            "Resubmission due to insurmountable inaccuracies"
        ),
        "DocumentResubmissionDueToUnsurmountableInaccuraciesExplanation": (
            "Explanation of the resubmission"
        ),
        "BalanceSheetBeforeAfterAppropriationResults": (
            "Balance sheet before or after appropriation of the result"
        ),
        "DirectorType": "Position",
        "LegalEntityNameManagingSupervisoryDirector": "Name",
        "SignatureManagingSupervisoryDirectorsLocation": "Place of signing",
        "SignatureManagingSupervisoryDirectorsDate": "Date of signing",
        "DirectorSignedStatus": "Signed",
        "DirectorReasonNoSignature": "Reason for not signing",
    }
)


def label(local_name: str, language: str = "nl") -> str:
    """The caption of a concept's local name; the name itself when none is known."""
    labels = LABELS_EN if language == "en" else LABELS_NL
    return labels.get(local_name, local_name)


# --- the rendered document (kvk.render) -----------------------------------------------
# The document is shown in the language it was filed in (xml:lang of the instance), not in
# the reader's interface language, so its fixed texts live here with the captions rather
# than in the gettext catalogue. Our own wording, like the captions above.

#: Headings of the presentation trees: the local names of their abstract kvk-abstr
#: concepts (kvk.nt.entry_point(variant).presentation). A title without a heading here is
#: not shown (the document's own section titles stand in for it).
HEADINGS_NL = MappingProxyType(
    {
        "AssetsTitle": "Activa",
        "AssetsNoncurrentTitle": "Vaste activa",
        "AssetsCurrentTitle": "Vlottende activa",
        "EquityAndLiabilitiesTitle": "Passiva",
        "EquityTitle": "Eigen vermogen",
        "LiabilitiesTitle": "Schulden",
    }
)
HEADINGS_EN = MappingProxyType(
    {
        "AssetsTitle": "Assets",
        "AssetsNoncurrentTitle": "Fixed assets",
        "AssetsCurrentTitle": "Current assets",
        "EquityAndLiabilitiesTitle": "Equity and liabilities",
        "EquityTitle": "Equity",
        "LiabilitiesTitle": "Liabilities",
    }
)

#: The values of jenv-bw2-i:DirectorType (jenv-codes:directorItemType) as a reader sees them.
DIRECTOR_TYPES_NL = MappingProxyType(
    {
        "Bestuurder (huidig)": "Bestuurder",
        "Bestuurder (voormalig)": "Voormalig bestuurder",
        "Commissaris (huidig)": "Commissaris",
        "Commissaris (voormalig)": "Voormalig commissaris",
    }
)
DIRECTOR_TYPES_EN = MappingProxyType(
    {
        "Bestuurder (huidig)": "Director",
        "Bestuurder (voormalig)": "Former director",
        "Commissaris (huidig)": "Supervisory director",
        "Commissaris (voormalig)": "Former supervisory director",
    }
)

#: The document's titles per entry point variant.
TITLES_NL = MappingProxyType(
    {
        "micro": "Jaarrekening micro-entiteit",
        "micro-publicatiestukken": "Publicatiestukken jaarrekening micro-entiteit",
        "klein": "Jaarrekening kleine rechtspersoon",
        "klein-publicatiestukken": "Publicatiestukken jaarrekening kleine rechtspersoon",
        "klein-verticaal": "Jaarrekening kleine rechtspersoon",
        "klein-verticaal-publicatiestukken": (
            "Publicatiestukken jaarrekening kleine rechtspersoon"
        ),
    }
)
TITLES_EN = MappingProxyType(
    {
        "micro": "Financial statements of a micro entity",
        "micro-publicatiestukken": "Financial statements for publication, micro entity",
        "klein": "Financial statements of a small entity",
        "klein-publicatiestukken": "Financial statements for publication, small entity",
        "klein-verticaal": "Financial statements of a small entity",
        "klein-verticaal-publicatiestukken": ("Financial statements for publication, small entity"),
    }
)

#: The document's other fixed texts.
TEXTS_NL = MappingProxyType(
    {
        "watermark": "CONCEPT",
        "annual_accounts": "Jaarrekening",
        "financial_year": "Boekjaar",
        "entity": "Gegevens van de rechtspersoon",
        "address": "Adres",
        "size_micro": "micro",
        "size_klein": "klein",
        "yes": "Ja",
        "no": "Nee",
        "not_adopted": "Nee, nog niet vastgesteld",
        "balance_sheet_at": "Balans per",
        "before_appropriation": "vóór resultaatbestemming",
        "after_appropriation": "na resultaatbestemming",
        "profit_loss_for": "Winst-en-verliesrekening over",
        "amounts_in_euros": "Bedragen in euro's.",
        "first_year": "Eerste boekjaar: er zijn geen vergelijkende cijfers.",
        "not_shown": "Deze opstelling kan niet worden getoond: het entrypoint valt buiten "
        "de NT19-gegevens van dit programma.",
        "notes": "Toelichting",
        "no_notes": "Geen toelichting opgenomen.",
        "signing": "Ondertekening",
        "no_signatories": "Geen ondertekenaars opgenomen.",
        "signed_on": "ondertekend op",
        "signed": "ondertekend",
        "at": "te",
        "not_signed": "niet ondertekend",
        "reason": "reden",
        "taxonomy": "Taxonomie",
    }
)
TEXTS_EN = MappingProxyType(
    {
        "watermark": "DRAFT",
        "annual_accounts": "Financial statements",
        "financial_year": "Financial year",
        "entity": "Entity information",
        "address": "Address",
        "size_micro": "micro",
        "size_klein": "small",
        "yes": "Yes",
        "no": "No",
        "not_adopted": "No, not adopted yet",
        "balance_sheet_at": "Balance sheet as at",
        "before_appropriation": "before appropriation of the result",
        "after_appropriation": "after appropriation of the result",
        "profit_loss_for": "Profit and loss account for",
        "amounts_in_euros": "Amounts in euros.",
        "first_year": "First financial year: there are no comparative figures.",
        "not_shown": "This statement cannot be shown: the entry point lies outside the NT19 "
        "data of this program.",
        "notes": "Notes",
        "no_notes": "No notes included.",
        "signing": "Signing",
        "no_signatories": "No signatories included.",
        "signed_on": "signed on",
        "signed": "signed",
        "at": "at",
        "not_signed": "not signed",
        "reason": "reason",
        "taxonomy": "Taxonomy",
    }
)


def document_language(language: str) -> str:
    """The language the rendered document uses: Dutch or English (German and French
    filings are shown in English: we have no captions in those languages)."""
    return "nl" if language == "nl" else "en"


def heading(local_name: str, language: str = "nl") -> str | None:
    """The heading of an abstract presentation title, None when it is not shown."""
    return (HEADINGS_EN if language == "en" else HEADINGS_NL).get(local_name)
