"""Blank workbooks that follow the contract, for ``make-minutes new``: every
sheet with its headers, a comment on each header and field saying what goes
in it, drop-down lists for the words the program expects, date and time
formats, frozen header rows, readable widths."""

from __future__ import annotations

from pathlib import Path

from pipeline.parse.meeting import COLUMNS, FIELDS
from pipeline.read.sources import SHEET_TITLES
from pipeline.text import fold

# What goes in each field of Séance and each column: the comment the clerk reads.
HINTS = {
    "Organisme": "L’organisme public : « syndicat mixte Somme Numérique ».",
    "Instance": "L’assemblée qui délibère : Bureau, Comité syndical, Conseil municipal…",
    "Genre de l'instance": "masculin (le Bureau… réuni) ou féminin (la Commission… réunie).",
    "Membres": "Le nom des membres dans les phrases : membres, délégués, conseillers…",
    "Date": "Date de la séance (JJ/MM/AAAA).",
    "Heure d'ouverture": "Heure d’ouverture : 17:00.",
    "Heure de clôture": "Heure de levée de la séance : 18:30.",
    "Date de convocation": "Date d’envoi de la convocation (JJ/MM/AAAA).",
    "Lieu": "Complète « s’est réuni… » : « dans ses locaux », « à la mairie ».",
    "Président": "Prénom Nom du président ou de la présidente, présent(e).",
    "Secrétaire de séance": "Prénom Nom ; plusieurs séparés par « ; ».",
    "Procès-verbal précédent": "Date de la réunion dont le procès-verbal est approuvé.",
    "Vote du procès-verbal précédent": "« unanimité » ou « 12 pour, 1 contre, 2 abstentions ».",
    "Quorum": "« présents » (CGCT L2121-17) ou « présents ou représentés » si les statuts le disent.",
    "Seuil du quorum": "« majorité » (défaut), « tiers » ou un nombre.",
    "Titre": "Sous-titre du document : « Procès-verbal synthétique ».",
    "Deuxième convocation": "« oui » si la séance a été convoquée à nouveau faute de quorum.",
    "Pouvoirs par membre": "Nombre de pouvoirs qu’un membre peut détenir (1 par défaut).",
    "Numérotation": "Modèle des numéros d’acte : B{AAAA}_{NNN}.",
    "Premier numéro": "Numéro de séquence de la première délibération (1 par défaut).",
    "SIRET": "SIRET de l’organisme (14 chiffres), pour les données ouvertes.",
    "Collège": "Groupe que le membre représente ; le tableau des membres est groupé par collège.",
    "Civilité": "M. ou Mme.",
    "Prénom": "Prénom du membre.",
    "Nom": "Nom du membre (imprimé en capitales).",
    "Statut": "présent(e), excusé(e), absent(e) ou suppléé(e).",
    "Pouvoir à": "Prénom Nom du membre présent qui détient le pouvoir.",
    "Suppléé par": "Nom du suppléant qui siège (statut « suppléé »).",
    "Arrivée": "N° du premier point auquel le membre prend part (arrivé en retard).",
    "Départ": "N° du dernier point auquel le membre prend part (parti avant la fin).",
    "N°": "Numéro du point : 1, 2, 3…",
    "Titre ": "Titre de la délibération.",
    "Exposé": (
        "Le rapport ; retour à la ligne (Alt+Entrée) = nouveau paragraphe, « - » = puce. Ou le "
        "nom d’un document Word du dossier exposes/ de la réunion : exposes/01.docx."
    ),
    "Débats": "La teneur des discussions (CGCT L2121-15).",
    "Décision": "« Après en avoir délibéré, les membres … approuvent … ».",
    "Vote": "« unanimité », ou vide et les décomptes dans Pour, Contre, Abstentions, NPPV.",
    "Pour": "Nombre de voix pour.",
    "Contre": "Nombre de voix contre.",
    "Abstentions": "Nombre d’abstentions (bulletins blancs ou nuls au scrutin secret).",
    "NPPV": "Nombre de membres qui ne prennent pas part au vote.",
    "Scrutin": "main levée (défaut), public ou secret.",
    "Se retirent": "Membres qui quittent la salle pour ce point (intérêt), séparés par « ; ».",
    "Présidence": "Qui préside ce point, quand ce n’est pas le président.",
    "Partie": "Titre de la partie : DÉLIBÉRATIONS par défaut.",
    "Numéro d'acte": "Numéro d’acte tapé (15 caractères : A-Z, 0-9, _).",
    "Matière": "Code et nom ACTES : « 8.1 Enseignement ».",
    "Membre": "Prénom Nom du membre (ou du suppléant) qui vote.",
    "Texte": "Le texte du point ; « - » en début de ligne = puce.",
    "Tarifs": "Un Service de la feuille Tarifs dont les tarifs suivent le texte.",
    "Budget": "Budget annexe…",
    "Service": "Le service facturé.",
    "Catégorie": "Qui paie : Communes, EPCI…",
    "Tarif HT": "Tarif en euros hors taxes : 0,07.",
    "Unité": "habitant, an, forfait…",
    "Plancher HT": "Montant minimal facturé.",
    "Plafond HT": "Montant maximal facturé.",
    "Tarif précédent HT": "Tarif de l’année précédente.",
    "Année": "Année d’application du tarif.",
    "Collectivité": "Nom de la collectivité qui paie.",
    "Quantité": "Ce à quoi le tarif s’applique : la population pour un tarif par habitant.",
}
CHOICES = {
    "Statut": "présent,présente,excusé,excusée,absent,absente,suppléé,suppléée",
    "Civilité": "M.,Mme",
    "Vote": "unanimité",
    "Scrutin": "main levée,public,secret",
    "Quorum": "présents,présents ou représentés",
    "Genre de l'instance": "masculin,féminin",
    "Deuxième convocation": "oui,non",
    "Seuil du quorum": "majorité,tiers",
}
VOTE_CHOICES = "pour,contre,abstention,nppv"
DATE_FIELDS = {"Date", "Date de convocation", "Procès-verbal précédent"}
TIME_FIELDS = {"Heure d'ouverture", "Heure de clôture"}
WORKBOOKS = {
    "seance.xlsx": ["seance"],
    "presences.xlsx": ["presences"],
    "deliberations.xlsx": ["deliberations", "votes", "autres_points"],
    "tarifs.xlsx": ["tarifs", "contributions"],
}


def _hint(title: str, sheet: str) -> str:
    if title == "Titre" and sheet != "seance":
        return HINTS["Titre "]
    return HINTS.get(title, "")


def _validation(ws, column_letter: str, choices: str, rows: str = "2:1000") -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    first, last = rows.split(":")
    dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
    dv.error = "Choisissez une valeur de la liste."
    dv.errorTitle = "Valeur inconnue"
    dv.prompt = "Choisissez dans la liste."
    dv.showErrorMessage = True
    ws.add_data_validation(dv)
    dv.add(f"{column_letter}{first}:{column_letter}{last}")


def write_blank(folder: Path, seance: dict[str, object] | None = None, members=None) -> list[Path]:
    """Create the blank workbooks of a meeting in ``folder`` (which must not
    exist). ``seance`` pre-fills fields (by title), ``members`` the rows of
    Présences (lists of values in the order of its columns)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    folder.mkdir(parents=True)
    written = []
    bold = Font(bold=True)
    for filename, keys in WORKBOOKS.items():
        wb = Workbook()
        wb.remove(wb.active)
        for key in keys:
            ws = wb.create_sheet(SHEET_TITLES[key])
            if key == "seance":
                ws.append(["Champ", "Valeur"])
                for field in FIELDS.values():
                    value = (seance or {}).get(field.title)
                    ws.append([field.title, value])
                    row = ws.max_row
                    ws.cell(row, 1).comment = Comment(
                        _hint(field.title, key) + (" (obligatoire)" if field.required else ""),
                        "make-minutes",
                    )
                    if field.required:
                        ws.cell(row, 1).font = bold
                    if field.title in DATE_FIELDS:
                        ws.cell(row, 2).number_format = "DD/MM/YYYY"
                    if field.title in TIME_FIELDS:
                        ws.cell(row, 2).number_format = "HH:MM"
                    if field.title in CHOICES:
                        _validation(ws, "B", CHOICES[field.title], f"{row}:{row}")
                ws.column_dimensions["A"].width = 34
                ws.column_dimensions["B"].width = 60
            else:
                columns = list(COLUMNS[key].values())
                ws.append([c.title for c in columns])
                for index, column in enumerate(columns, start=1):
                    letter = get_column_letter(index)
                    cell = ws.cell(1, index)
                    cell.font = bold
                    text = _hint(column.title, key) + (" (obligatoire)" if column.required else "")
                    cell.comment = Comment(text, "make-minutes")
                    wide = fold(column.title) in {"expose", "debats", "decision", "texte", "titre"}
                    ws.column_dimensions[letter].width = 60 if wide else 18
                    if wide:
                        for r in range(2, 200):
                            ws.cell(r, index).alignment = Alignment(wrap_text=True, vertical="top")
                    choices = VOTE_CHOICES if key == "votes" and column.title == "Vote" else None
                    choices = choices or CHOICES.get(column.title)
                    if choices:
                        _validation(ws, letter, choices)
                if key == "presences" and members:
                    for row in members:
                        ws.append(list(row))
            ws.freeze_panes = "A2"
        path = folder / filename
        wb.save(path)
        written.append(path)
    return written
