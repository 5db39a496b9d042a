//! Writes `examples/undersokelse.xlsx`: a small, made-up wide export of a
//! municipal survey about settling and integrating refugees, in the shape
//! survey tools export (one row per respondent, one column per question),
//! with real date and number cells and answers in Bokmål and Nynorsk.
//!
//!     cargo run --example make_example_xlsx [OUT.xlsx]
//!     tema report examples/undersokelse.xlsx --text-column 'q1*' -o rapport/
//!
//! The respondents and answers are invented; the output is byte-for-byte the
//! same on every run (fixed document dates).

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

/// (kommune, rolle, (yyyy, mm, dd), antall_bosatte, q12, q14)
type Row = (
    &'static str,
    &'static str,
    (u16, u8, u8),
    u32,
    &'static str,
    &'static str,
);

const Q12: &str = "q12_utfordringer";
const Q14: &str = "q14_forbedringer";

const ROWS: &[Row] = &[
    ("Bodø", "Flyktningkonsulent", (2024, 9, 2), 61, "Det er stor mangel på kommunale boliger, og private utleiere vil ikke leie ut til flyktninger.", "Raskere svar på søknader om tilskudd."),
    ("Bodø", "Leder introduksjonsprogram", (2024, 9, 2), 61, "Mange deltakere har lang vei til norskopplæringen, og kollektivtilbudet er dårlig.", "Mer fleksible regler for introduksjonsprogrammet, særlig for dem med lite skolegang."),
    ("Volda", "Einingsleiar", (2024, 9, 3), 18, "Vi har for få tilsette til å følgje opp alle som er busette. Kapasiteten er sprengd.", "Betre dialog med kommunane før oppmodinga om busetjing kjem."),
    ("Volda", "Rådgjevar", (2024, 9, 3), 18, "Tolk er vanskeleg å få tak i, særleg på kort varsel og for tigrinja.", "Vet ikke"),
    ("Drammen", "Avdelingsleder", (2024, 9, 4), 143, "Samarbeidet med NAV om overgang til arbeid fungerer ikke godt nok.", "Flere kurs og nettverkssamlinger for ansatte i flyktningtjenesten."),
    ("Drammen", "Programrådgiver", (2024, 9, 4), 143, "Boligmangel og høye leiepriser gjør det vanskelig å bosette store familier.", "Tydeligere veiledning om regelverket for integreringstilskudd."),
    ("Drammen", "Saksbehandler", (2024, 9, 5), 143, "", ""),
    ("Tromsø", "Enhetsleder", (2024, 9, 5), 97, "Helsetjenesten har ikke kapasitet til å kartlegge helse og traumer tidlig nok.", "Mer midler til psykisk helse for barn og unge."),
    ("Tromsø", "Kontaktlærer voksenopplæring", (2024, 9, 6), 97, "Norskopplæringa tar for lang tid for dei som skal ut i arbeid, og det er vanskelig å kombinere med jobb.", "Digitale læremidler på flere språk."),
    ("Førde", "Busetjingskonsulent", (2024, 9, 6), 24, "Det er vanskeleg å finne husvære i sentrum, og mange ynskjer å flytte etter kort tid.", "IMDi kan gje meir føreseielege tal på busetjing tidlegare på året."),
    ("Førde", "Rådgjevar", (2024, 9, 9), 24, "vet ikke", "-"),
    ("Stavanger", "Fagleder", (2024, 9, 9), 180, "Mange ukrainske flyktninger har behov for rask avklaring av utdanning og godkjenning av yrkeskompetanse.", "Raskere godkjenning av utenlandsk utdanning i samarbeid med HK-dir."),
    ("Stavanger", "Koordinator frivillighet", (2024, 9, 10), 180, "Frivillige organisasjoner gjør mye, men vi mangler midler til å koordinere dem.", "Tilskudd til frivillige lag som driver språkkafé og leksehjelp."),
    ("Stavanger", "Saksbehandler", (2024, 9, 10), 180, "Bostøtte og husleie henger ikke sammen, mange har for dårlig økonomi.", "Ingen kommentar"),
    ("Lillehammer", "Leder flyktningtjenesten", (2024, 9, 11), 52, "Vi opplever negativ sosial kontroll i noen familier, og skolen trenger mer kompetanse.", "Mer kompetanse om negativ sosial kontroll og æresrelatert vold ut til kommunene."),
    ("Lillehammer", "Miljøterapeut", (2024, 9, 11), 52, "barna venter lenge på barnehageplass, noe som gjør det vanskeleg for foreldra å delta i introprogrammet", "Flere barnehageplasser."),
    ("Ørsta", "Konsulent", (2024, 9, 12), 15, "Vi manglar tolk som kan møte fysisk. Skjermtolking fungerer dårleg for helsesamtalar.", "Tolketenesta bør byggjast ut i distrikta."),
    ("Ørsta", "Einingsleiar", (2024, 9, 12), 15, "Små fagmiljø og mykje utskifting av tilsette.", "Nettverk mellom små kommunar i regionen."),
    ("Kristiansand", "Programrådgiver", (2024, 9, 13), 121, "Det er for få arbeidspraksisplasser, og arbeidsgivere er skeptiske til svak norsk.", "Mer samarbeid med næringslivet om språkpraksis."),
    ("Kristiansand", "Avdelingsleder", (2024, 9, 13), 121, "Kartleggingen av kompetanse ved bosetting er for tynn, vi vet for lite om hva folk kan.", "Bedre kartlegging før bosetting, og at den følger med personen."),
    ("Kristiansand", "Helsesykepleier", (2024, 9, 16), 121, "Mange barn har udekkede helsebehov og venter lenge på BUP.", "Vet ikke."),
    ("Narvik", "Flyktningkonsulent", (2024, 9, 16), 33, "Boliger er det største problemet. Vi har rett og slett ikke nok leiligheter.", "Økonomisk støtte til kjøp av boliger til bosetting."),
    ("Narvik", "Rådgiver", (2024, 9, 17), 33, "Digitale løsninger som ID-porten og BankID er en stor barriere for nyankomne.", "Hjelp med digital inkludering og BankID."),
    ("Sogndal", "Integreringskoordinator", (2024, 9, 17), 21, "Vanskeleg å få ungdom over 18 inn i vidaregåande opplæring.", "Betre ordningar for unge vaksne utan fullført grunnskule."),
    ("Sogndal", "Lærar", (2024, 9, 18), 21, "For store klasser i norskopplæringa og for få lærarar med rett kompetanse.", "Fleire lærarar med kompetanse i andrespråkspedagogikk."),
    ("Hamar", "Enhetsleder", (2024, 9, 18), 58, "Vi har fått mange med behov for tilrettelagt bolig, og det tar tid å få dette på plass.", "Bedre dialog med IMDi om hvem som bosettes, før de kommer."),
    ("Hamar", "Veileder NAV", (2024, 9, 19), 58, "Overgangen fra introprogram til arbeid er for dårlig, mange ender på sosialhjelp.", "Felles mål for NAV og kommunen."),
    ("Hamar", "Saksbehandler", (2024, 9, 19), 58, "mangel på boilger", "vet ikke"),
    ("Voss", "Rådgjevar busetjing", (2024, 9, 20), 19, "Diskriminering på bustadmarknaden gjer at flyktningar ikkje får leige.", "Haldningskampanjar retta mot utleigarar."),
    ("Voss", "Einingsleiar", (2024, 9, 20), 19, "Tilskota dekkjer ikkje dei reelle kostnadene våre ved busetjing.", "Høgare integreringstilskot og enklare rapportering."),
    ("Fredrikstad", "Programrådgiver", (2024, 9, 23), 110, "Mange deltakere sliter med psykiske plager etter flukt, og fastlegene har lange ventelister.", "Lavterskeltilbud for psykisk helse på flere språk."),
    ("Fredrikstad", "Koordinator", (2024, 9, 23), 110, "Ukrainske flyktninger vet ikke om de skal bli, og det gjør det vanskelig å planlegge.", "Klarere informasjon om hva som skjer når den kollektive beskyttelsen opphører."),
    ("Fredrikstad", "Leder voksenopplæring", (2024, 9, 24), 110, "For lite tid til norsk i programmet.", "Lengre tid til norskopplæring for dem som trenger det."),
    ("Alta", "Flyktningkonsulent", (2024, 9, 24), 27, "Lang avstand til spesialisthelsetjenesten og mangel på tolk.", "Bedre tolketjenester i nord."),
    ("Alta", "Rådgiver", (2024, 9, 25), 27, "Samarbeid med frivilligheten er bra, men vi mangler boliger.", ""),
    ("Haugesund", "Avdelingsleder", (2024, 9, 25), 74, "Mange faller ut av programmet fordi de får jobb som ikke varer.", "Oppfølging også etter at introduksjonsprogrammet er slutt."),
    ("Haugesund", "Miljøarbeider", (2024, 9, 26), 74, "Ungdom uten familie her trenger mer oppfølging i fritiden.", "Flere fritidstilbud for enslige mindreårige."),
    ("Molde", "Einingsleiar", (2024, 9, 26), 31, "Vi har ikkje nok kapasitet i flyktningtenesta etter at talet på busette auka.", "Meir føreseielege rammer og tidlegare varsel om oppmodingar."),
    ("Molde", "Konsulent", (2024, 9, 27), 31, "Nei", "Nei"),
    ("Larvik", "Programrådgiver", (2024, 9, 27), 45, "Søknadsprosessen for tilskudd er tungvint og tar mye tid.", "Enklere søknadsskjema og bedre veiledning på imdi.no."),
];

fn main() -> Result<(), XlsxError> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "examples/undersokelse.xlsx".to_string());
    let mut wb = Workbook::new();
    // Fixed document dates so the file is the same on every run.
    let created = ExcelDateTime::from_ymd(2024, 10, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("Kommuneundersøkelse om bosetting og integrering (eksempeldata)")
            .set_author("tema")
            .set_creation_datetime(&created),
    );
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let wrap = Format::new().set_text_wrap();

    let ws = wb.add_worksheet();
    ws.set_name("Svar")?;
    let header = [
        "respondent_id",
        "kommune",
        "rolle",
        "dato",
        "antall_bosatte",
        Q12,
        Q14,
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, (kommune, rolle, (y, m, d), bosatte, q12, q14)) in ROWS.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, format!("R{:03}", 100 + i))?;
        ws.write_string(r, 1, *kommune)?;
        ws.write_string(r, 2, *rolle)?;
        ws.write_datetime_with_format(r, 3, &ExcelDateTime::from_ymd(*y, *m, *d)?, &date)?;
        ws.write_number(r, 4, *bosatte)?;
        // Empty answers stay empty cells, as survey tools export them.
        if !q12.is_empty() {
            ws.write_string_with_format(r, 5, *q12, &wrap)?;
        }
        if !q14.is_empty() {
            ws.write_string_with_format(r, 6, *q14, &wrap)?;
        }
    }
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 14)?;
    ws.set_column_width(2, 28)?;
    ws.set_column_width(3, 12)?;
    ws.set_column_width(4, 15)?;
    ws.set_column_width(5, 60)?;
    ws.set_column_width(6, 60)?;
    ws.set_freeze_panes(1, 0)?;

    let about = wb.add_worksheet();
    about.set_name("Spørsmål")?;
    about.write_string_with_format(0, 0, "kolonne", &bold)?;
    about.write_string_with_format(0, 1, "spørsmål", &bold)?;
    about.write_string(1, 0, Q12)?;
    about.write_string(
        1,
        1,
        "Hva er de største utfordringene i arbeidet med bosetting og integrering?",
    )?;
    about.write_string(2, 0, Q14)?;
    about.write_string(2, 1, "Hva kan IMDi gjøre bedre?")?;
    about.set_column_width(0, 20)?;
    about.set_column_width(1, 75)?;

    wb.save(&out)?;
    println!("wrote {out} ({} respondents)", ROWS.len());
    Ok(())
}
